// Turns what the transport saw of a connection into a step's findings, facts and stage: the
// certificate report of the trust gate, the transport error, the TLS version. Shared by every
// module so that no module judges a certificate or a connection failure by itself.
#pragma once

#include "core/step_result.h"
#include "transport/http_transport.h"

namespace cxa {

// Adds the connection's findings and facts to `result` and sets result.stage to where the
// connection stopped (or to the last stage it completed). Returns true when the connection is
// usable (the exchange has no transport error). Facts: address, port, tls_version, cipher,
// certificate_trusted, certificate_subject, certificate_not_after, certificate_days_left.
bool ReportConnection(const HttpExchange& exchange, std::time_t now, StepResult& result);

// For a later request to a host an earlier step already judged (its certificate, TLS version):
// when the connection failed, the same findings and certificate as ReportConnection; when it
// worked, only the stage, so the report does not repeat the chain and connection facts.
bool ReportConnectionFailure(const HttpExchange& exchange, std::time_t now, StepResult& result);

}  // namespace cxa
