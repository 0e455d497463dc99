#include "protocols/autodiscover/autodiscover_manual.h"

#include <catch2/catch.hpp>

using namespace cxa;
using namespace cxa::protocols::autodiscover;

TEST_CASE("manual MAPI over HTTP settings build Outlook's URLs", "[unit][autodiscover]") {
  OptionMap o = {{"email", "alice@contoso.com"},
                 {"mapi_server", "mail.contoso.com:8443"},
                 {"protocol", "auto"}};
  ManualSettings s = ManualSettings::From(o);
  REQUIRE(s.Given());
  REQUIRE(s.UsesMapi());
  StepResult r = ManualResult(s);
  CHECK(r.facts.at("source") == "manual");
  CHECK(r.facts.at("protocol_used") == "mapi");
  CHECK(r.facts.at("mapi_mailstore_url") ==
        "https://mail.contoso.com:8443/mapi/emsmdb/?MailboxId=alice@contoso.com");
  CHECK(r.facts.count("legacy_dn") == 0);
  CHECK(r.findings.at(0).id == "autodiscover.settings.manual");
  o["mapi_server"] = "https://[2001:db8::1]/";
  o["mailbox_id"] = "0b3c@contoso.com";
  CHECK(ManualResult(ManualSettings::From(o)).facts.at("mapi_addressbook_url") ==
        "https://[2001:db8::1]/mapi/nspi/?MailboxId=0b3c@contoso.com");
}

TEST_CASE("manual RPC over HTTP settings and their defaults", "[unit][autodiscover]") {
  ManualSettings s = ManualSettings::From({{"email", "alice@contoso.com"},
                                           {"rpc_proxy", "mail.contoso.com"},
                                           {"mapi_server", "mapi.contoso.com"},
                                           {"protocol", "rpc"}});
  REQUIRE(s.Given());
  CHECK_FALSE(s.UsesMapi());  // protocol=rpc wins over a MAPI server
  StepResult r = ManualResult(s);
  CHECK(r.facts.at("proxy") == "mail.contoso.com");
  CHECK(r.facts.at("rpc_server") == "mail.contoso.com");
  CHECK(r.facts.at("cert_principal_name") == "msstd:mail.contoso.com");
  CHECK(r.facts.at("rpc_auth") == "ntlm");
  CHECK(r.facts.at("protocol_used") == "rpc");
  CHECK_FALSE(ManualSettings::From({{"email", "a@b.test"}}).Given());
}

TEST_CASE("manual settings are checked before anything is sent", "[unit][autodiscover]") {
  CHECK(CheckManualOptions({{"mapi_server", "mail.contoso.com"}}).empty());
  CHECK_FALSE(CheckManualOptions({{"mapi_server", "a b"}}).empty());
  CHECK_FALSE(CheckManualOptions({{"mapi_server", "m.test"}, {"protocol", "rpc"}}).empty());
  CHECK_FALSE(CheckManualOptions({{"mailbox_id", "x&y@contoso.com"}}).empty());
  CHECK_FALSE(CheckManualOptions({{"legacy_dn", "o=Lab"}}).empty());
  CHECK(CheckManualOptions({{"legacy_dn", "/o=Lab/cn=Recipients/cn=alice"}}).empty());
}
