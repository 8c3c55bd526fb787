// The top bar's people search: autocomplete (owned by the search app).
