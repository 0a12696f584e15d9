// ReeArchive
