package server

// registerStatic serves the built site and its 404 page.
func (s *Server) registerStatic() {}
