// Configured and recorded answers (<route> in a config, exchanges of a transcript).
#pragma once

#include "lab.h"

namespace fixture {

// Answers `req` from the site's routes ({{host}} in them becomes `host`); 404 when no route
// matches. Returns false when the site has no routes at all, or none for a realm query the
// site's realm directory answers. `chosen`, when given, receives the route that answered.
bool AnswerFromRoutes(const Lab& lab, Site& site, const Request& req, Response& res,
                      const std::string& host, const Route** chosen = nullptr);

}  // namespace fixture
