"""The dashboard's features, each keeping its layout fragment and callbacks together."""
