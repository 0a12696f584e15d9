// ReeLayers
