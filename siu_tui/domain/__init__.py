"""The unit's rules as plain functions and values, free of the store and the screens.

Nothing is imported here on purpose: the app's start-up should pay only for the modules a
screen actually uses, so callers import ``siu_tui.domain.<module>`` directly.
"""
