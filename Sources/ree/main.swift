print("ree")
