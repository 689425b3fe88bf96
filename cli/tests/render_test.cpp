#include "render.hpp"

#include <catch2/catch.hpp>

using herald::cli::display_key;
using herald::cli::render_document;
using nlohmann::json;

TEST_CASE("keys are capitalised word by word, with URL, CA and SSL", "[cli]") {
    CHECK(display_key("notifier_type_id") == "Notifier Type Id");
    CHECK(display_key("url") == "URL");
    CHECK(display_key("ca_path") == "CA Path");
    CHECK(display_key("ssl_ca_cert") == "SSL CA Cert");
    CHECK(display_key("event_types") == "Event Types");
}

TEST_CASE("a listener renders exactly as pulp-admin's example (seed 002)", "[cli]") {
    json doc = {{"_href", "/pulp/api/v2/events/5081a42ce19a00ea4300000e/"},
                {"_id", {{"$oid", "5081a42ce19a00ea4300000e"}}},
                {"_ns", "event_listeners"},
                {"event_types", {"repo.sync.start"}},
                {"id", "5081a42ce19a00ea4300000e"},
                {"notifier_config", {{"addresses", {"someone@redhat.com", "another@redhat.com"}},
                                     {"subject", "pulp notification"}}},
                {"notifier_type_id", "email"}};
    CHECK(render_document(doc) ==
          "Event Types:       repo.sync.start\n"
          "Id:                5081a42ce19a00ea4300000e\n"
          "Notifier Config:\n"
          "  Addresses: someone@redhat.com, another@redhat.com\n"
          "  Subject:   pulp notification\n"
          "Notifier Type Id:  email\n");
}

TEST_CASE("secrets stay masked, nested URL keys capitalised", "[cli]") {
    json doc = {{"id", "x"}, {"notifier_config", {{"url", "http://h/"}, {"password", "********"}, {"ca_path", "/ca"}}}};
    CHECK(render_document(doc) ==
          "Id:               x\n"
          "Notifier Config:\n"
          "  CA Path:  /ca\n"
          "  Password: ********\n"
          "  URL:      http://h/\n");
}
