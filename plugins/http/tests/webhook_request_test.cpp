#include "signature.hpp"
#include "webhook_request.hpp"

#include <catch2/catch.hpp>

using namespace herald::http;
using nlohmann::json;

namespace {
const std::string k_doc = R"({"call_report":null,"event_type":"repo.sync.start","payload":{"repo_id":"r"}})";
}

TEST_CASE("the body is the event document unchanged, with JSON content type and user agent", "[http][render]") {
    auto r = render_request({{"url", "http://h:1/p"}}, k_doc, "d1", 1000, "Herald/1 (http-notifier/1)");
    CHECK(r.url == "http://h:1/p");
    CHECK(r.body == k_doc);
    CHECK(r.header("content-type") == "application/json");
    CHECK(r.header("User-Agent") == "Herald/1 (http-notifier/1)");
    CHECK(r.header("Authorization").empty());
    CHECK(r.header("webhook-id").empty());  // unsigned without a secret
}

TEST_CASE("Basic auth only when both username and password are set", "[http][render]") {
    auto both = render_request({{"url", "http://h/"}, {"username", "jcline"}, {"password", "hunter2"}}, k_doc, "d", 1, "ua");
    CHECK(both.header("Authorization") == "Basic amNsaW5lOmh1bnRlcjI=");
    auto one = render_request({{"url", "http://h/"}, {"username", "jcline"}}, k_doc, "d", 1, "ua");
    CHECK(one.header("Authorization").empty());
}

TEST_CASE("signed requests carry id, timestamp and the signature over exactly the body", "[http][render]") {
    const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    auto r = render_request({{"url", "http://h/"}, {"secret", secret}}, k_doc, "evt-lst", 1614265330, "ua");
    CHECK(r.header("webhook-id") == "evt-lst");
    CHECK(r.header("webhook-timestamp") == "1614265330");
    CHECK(r.header("webhook-signature") == sign_v1(secret, "evt-lst", 1614265330, k_doc));
    auto rotated = render_request({{"url", "http://h/"}, {"secret", {secret, secret}}}, k_doc, "i", 5, "ua");
    CHECK(rotated.header("webhook-signature").find(' ') != std::string::npos);
}

TEST_CASE("extra headers are added but cannot replace Herald's own", "[http][render]") {
    auto r = render_request({{"url", "http://h/"}, {"headers", {{"X-Team", "ops"}, {"content-type", "text/plain"},
                                                                 {"Webhook-Signature", "forged"}}}},
                            k_doc, "d", 1, "ua");
    CHECK(r.header("X-Team") == "ops");
    CHECK(r.header("Content-Type") == "application/json");
    CHECK(r.header("webhook-signature").empty());
}

TEST_CASE("the request goes on the wire as one buffer: request line, Host, headers, length, body", "[http][render]") {
    auto r = render_request({{"url", "http://h:8080/p?q=1"}, {"headers", {{"X-Env", "prod"}}}}, k_doc, "d", 1, "ua");
    const std::string wire = wire_bytes(r, "/p?q=1", host_header("http", "h", 8080));
    CHECK(wire == "POST /p?q=1 HTTP/1.1\r\nHost: h:8080\r\nContent-Type: application/json\r\nUser-Agent: ua\r\n"
                  "X-Env: prod\r\nContent-Length: " + std::to_string(k_doc.size()) + "\r\n\r\n" + k_doc);
}

TEST_CASE("the Host header leaves out the scheme's default port and brackets IPv6", "[http][render]") {
    CHECK(host_header("http", "example.com", 80) == "example.com");
    CHECK(host_header("https", "example.com", 443) == "example.com");
    CHECK(host_header("https", "example.com", 80) == "example.com:80");
    CHECK(host_header("http", "::1", 8080) == "[::1]:8080");
}
