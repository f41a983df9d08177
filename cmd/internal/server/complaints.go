package server

// ComplaintService is complaint intake (implemented by cmd/internal/intake).
type ComplaintService interface{}

// registerComplaints serves /complaints/… and /api/complaints….
func (s *Server) registerComplaints() {}
