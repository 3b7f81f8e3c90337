"""Flask extensions, created once here and bound in the app factory."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_mailman import Mail
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints so Alembic can alter them on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# The models' base class. At run time it is db.Model, which Flask-SQLAlchemy builds from Base
# when `db` is created; mypy cannot take a base class from an attribute (python/mypy#8603), so
# it is told what db.Model is: our declarative Base with Flask-SQLAlchemy's Model mixed in.
if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as FlaskModel

    class Model(FlaskModel, Base):
        __abstract__ = True

else:
    Model = db.Model

babel = Babel()
csrf = CSRFProtect()
mail = Mail()  # notifications by e-mail (services/notification_channels.py)
