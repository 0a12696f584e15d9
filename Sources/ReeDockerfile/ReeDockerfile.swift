// ReeDockerfile
