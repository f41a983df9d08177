package server

import (
	"net/http"

	"portal/cmd/internal/intake"
)

// handleComplaintAPI is POST /api/complaints: JSON in, 201 with the receipt,
// the query code and the status out; 400 naming every bad field.
func (s *Server) handleComplaintAPI(w http.ResponseWriter, r *http.Request) {
	if !isJSON(r) {
		s.apiError(w, r, errNotJSON)
		return
	}
	sub, err := intake.DecodeJSON(r.Body)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	sub.Client = s.clientAddr(r).String()
	rec, err := s.opts.Complaints.Submit(r.Context(), sub)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	s.log.Info("complaint received", "receipt", rec.Receipt, "via", "api", "duplicate", rec.DuplicateOf != "")
	w.Header().Set("Location", "/complaints/status/")
	writeJSON(w, http.StatusCreated, rec)
}

// handleComplaintStatusAPI is POST /api/complaints/status: {"receipt",
// "query_code"} in, the public timeline out; a wrong code is 404 like a
// missing receipt.
func (s *Server) handleComplaintStatusAPI(w http.ResponseWriter, r *http.Request) {
	if !isJSON(r) {
		s.apiError(w, r, errNotJSON)
		return
	}
	q, err := intake.DecodeStatusJSON(r.Body)
	if err == nil {
		err = q.Check()
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	st, err := s.opts.Complaints.Status(r.Context(), q.Receipt, q.QueryCode)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}
