"""A conference record: the screen, its six tabs and the dialogs its actions open.

Kept in one package so the folder shows what belongs together; import the module you need
(``record.screen`` for the screen) so that opening a dialog elsewhere does not load them all.
"""
