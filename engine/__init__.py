"""The engine of the city-services assistant: skill plug-ins, the shared store and the build of Rasa's inputs."""
