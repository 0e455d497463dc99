// Sites from a server configuration (fixtures/servers/*.xml, fixtures/FORMAT.md) or from a
// recorded transcript, and their TLS contexts.
#pragma once

#include <pugixml.hpp>

#include "lab.h"
#include "transport/transcript.h"

namespace fixture {

// The sites of a configuration; routes' file="..." bodies are read relative to `config_dir`
// and {{cert-base64:CASE/NAME.pem}} filled from `pki`. On an error, `error` says what and the
// result is empty.
std::vector<std::unique_ptr<Site>> SitesFromConfig(const pugi::xml_document& doc,
                                                   const std::string& config_dir,
                                                   const std::string& pki, std::string& error);

// Transcript replay: one site per recorded scheme://host:port, presenting the PKI case
// `pki_case` (the recorded servers' private keys do not exist) and answering the recorded
// requests.
std::vector<std::unique_ptr<Site>> SitesFromTranscript(const cxa::Transcript& t,
                                                       const std::string& pki_case);

// The TLS context of a site: <pki>/<case>/chain.pem and key.pem, and its tls="..." profile.
// Returns an error or "".
std::string LoadTls(Site& s, const std::string& pki);

}  // namespace fixture
