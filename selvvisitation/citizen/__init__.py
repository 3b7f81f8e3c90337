"""The citizen's and relative's area: their help, wishes, swaps and reassessment."""
