// ReeBuild
