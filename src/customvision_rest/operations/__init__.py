"""Every operation of the Custom Vision APIs, each written once as a builder shared by both clients."""
