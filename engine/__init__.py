"""The engine of «Городской помощник»: skill plug-ins, the shared store and the build of Rasa's inputs."""
