"""The markdown import pipeline shared by every kind of content: parse, validate, render, sanitise, sync."""
