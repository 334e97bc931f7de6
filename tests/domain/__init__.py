"""Tests of the pure rules; a package so module names cannot clash with other test folders."""
