"""selvvisitation: flexible home help (Serviceloven §94 a) made easy and safe."""

from selvvisitation.app import create_app

__all__ = ["create_app"]
