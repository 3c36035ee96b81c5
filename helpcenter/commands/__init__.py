"""The editors' and translators' commands other than build: new, i18n."""
