// heraldd wiring (being written)
