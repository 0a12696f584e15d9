// ReeOCI
