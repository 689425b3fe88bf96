// The http plugin through the real loader against real HTTP and HTTPS receivers on loopback.
#include "../unit/test_support.hpp"
#include "http_sink.hpp"
#include "raw_receiver.hpp"
#include "test_certs.hpp"

#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

using namespace herald;
using nlohmann::json;

namespace {

const std::string k_doc = R"({"call_report":null,"event_type":"repo.sync.finish","payload":{"repo_id":"zoo"}})";

struct result {
    herald_outcome outcome;
    long long retry_after_ms;
    int status;
    std::string message;
    std::string excerpt;
};

struct http_world {
    core::host_bridge bridge{test::quiet_logger()};
    core::plugin_registry registry{bridge.api(), test::quiet_logger()};
    std::shared_ptr<core::plugin_instance> plugin;
    http_world() {
        REQUIRE(registry.activate(core::inspect_plugin(std::string(HERALD_BUNDLED_PLUGIN_DIR) + "/http.so"),
                                  json{{"http", {{"max_connections_per_destination", 2}}}}));
        plugin = registry.find("http");
    }
    result deliver(const json& config, const std::string& delivery_id = "evt-lst", unsigned attempt = 1) {
        const std::string cfg = config.dump();
        const herald_event ev = test::make_event(delivery_id, cfg, k_doc, attempt);
        herald_delivery_result r{};
        r.struct_size = sizeof r;
        plugin->deliver(ev, r);
        return copy(r);
    }
    static result copy(const herald_delivery_result& r) {
        return {r.outcome, r.retry_after_ms, r.status_code, r.message ? r.message : "",
                r.response_excerpt ? r.response_excerpt : ""};
    }
};

/// One listener's events delivered as one batch; results[i] answers delivery_ids[i].
std::vector<result> deliver_batch(http_world& w, const json& config, const std::vector<std::string>& delivery_ids,
                                  const std::string& document = k_doc) {
    const std::string cfg = config.dump();
    std::vector<herald_event> evs;
    std::vector<herald_delivery_result> rs(delivery_ids.size());
    for (std::size_t i = 0; i < delivery_ids.size(); ++i) {
        evs.push_back(test::make_event(delivery_ids[i], cfg, document));
        rs[i].struct_size = sizeof rs[i];
    }
    REQUIRE(w.plugin->deliver_batch(evs.data(), evs.size(), rs.data()) == HERALD_STATUS_OK);
    std::vector<result> out;
    for (const auto& r : rs) out.push_back(http_world::copy(r));
    return out;
}

std::string hmac_b64(const std::string& key, const std::string& msg) {
    unsigned char mac[32];
    unsigned int n = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(msg.data()),
         msg.size(), mac, &n);
    unsigned char out[64];
    EVP_EncodeBlock(out, mac, static_cast<int>(n));
    return reinterpret_cast<char*>(out);
}

}  // namespace

TEST_CASE("POSTs the event document with Pulp's headers", "[http]") {
    http_world w;
    test::http_sink sink;
    auto r = w.deliver({{"url", sink.url("/api/hook?x=1")}});
    CHECK(r.outcome == HERALD_OUTCOME_OK);
    CHECK(r.status == 200);
    CHECK(r.excerpt == "ok");
    auto reqs = sink.requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].method == "POST");
    CHECK(reqs[0].uri == "/api/hook?x=1");
    CHECK(reqs[0].body == k_doc);
    CHECK(reqs[0].headers["content-type"] == "application/json");
    CHECK_THAT(reqs[0].headers["user-agent"], Catch::StartsWith("Herald/"));
    CHECK(reqs[0].headers.count("authorization") == 0);
}

TEST_CASE("Basic auth with username and password", "[http]") {
    http_world w;
    test::http_sink sink;
    w.deliver({{"url", sink.url()}, {"username", "jcline"}, {"password", "hunter2"}});
    CHECK(sink.requests().at(0).headers["authorization"] == "Basic amNsaW5lOmh1bnRlcjI=");
}

TEST_CASE("each status class gives its outcome, and Retry-After is passed on", "[http]") {
    http_world w;
    test::http_sink sink;
    struct row { int status; herald_outcome outcome; };
    for (auto x : {row{204, HERALD_OUTCOME_OK}, row{302, HERALD_OUTCOME_FAILED}, row{404, HERALD_OUTCOME_FAILED},
                   row{408, HERALD_OUTCOME_RETRY}, row{410, HERALD_OUTCOME_GONE}, row{429, HERALD_OUTCOME_RETRY},
                   row{500, HERALD_OUTCOME_RETRY}, row{503, HERALD_OUTCOME_RETRY}}) {
        INFO(x.status);
        sink.respond({x.status, {}, x.status == 204 ? "" : "body " + std::to_string(x.status)});
        auto r = w.deliver({{"url", sink.url()}});
        CHECK(r.outcome == x.outcome);
        CHECK(r.status == x.status);
        CHECK_THAT(r.message, Catch::StartsWith("HTTP " + std::to_string(x.status) + " from " + sink.url()));
    }
    sink.respond({503, {{"Retry-After", "7"}}, "busy"});
    auto r = w.deliver({{"url", sink.url()}});
    CHECK(r.retry_after_ms == 7000);
    CHECK(r.excerpt == "busy");
    sink.respond({500, {}, ""});
    CHECK(w.deliver({{"url", sink.url()}}).retry_after_ms == -1);
}

TEST_CASE("keep-alive connections are reused", "[http]") {
    http_world w;
    test::http_sink sink;
    for (int i = 0; i < 20; ++i) REQUIRE(w.deliver({{"url", sink.url()}}).outcome == HERALD_OUTCOME_OK);
    CHECK(sink.requests().size() == 20);
    CHECK(sink.connections() == 1);
}

TEST_CASE("a batch is in flight at once, within the connection bound, each answer to its own event", "[http]") {
    http_world w;  // at most 2 connections per destination
    test::http_sink sink;
    // Odd deliveries are refused; every answer names the delivery it answers.
    sink.respond_with([](const test::recorded_request& r) {
        const std::string id = r.headers.at("webhook-id");
        const bool odd = (id.back() - '0') % 2 == 1;
        return test::http_sink::answer{odd ? 503 : 200, {}, "for " + id, std::chrono::milliseconds(100)};
    });
    const json cfg{{"url", sink.url()}, {"secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}};
    const std::vector<std::string> ids{"d0", "d1", "d2", "d3", "d4"};
    auto rs = deliver_batch(w, cfg, ids);
    REQUIRE(rs.size() == ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        INFO(ids[i]);
        CHECK(rs[i].excerpt == "for " + ids[i]);
        CHECK(rs[i].status == (i % 2 ? 503 : 200));
        CHECK(rs[i].outcome == (i % 2 ? HERALD_OUTCOME_RETRY : HERALD_OUTCOME_OK));
    }
    CHECK(sink.requests().size() == 5);
    CHECK(sink.most_concurrent() == 2);  // overlapped, and never above the bound
    CHECK(sink.connections() == 2);      // and kept alive across the rounds
}

TEST_CASE("answers that come back last-asked-first are each read, and a silent receiver times each out", "[http]") {
    http_world w;  // rounds of two: the worker waits for a round's last answer before reading
    test::http_sink sink;
    // Each answer comes later the earlier its request was sent.
    sink.respond_with([](const test::recorded_request& r) {
        const int n = r.headers.at("webhook-id").back() - '0';
        return test::http_sink::answer{200, {}, "for d" + std::to_string(n), std::chrono::milliseconds(50 * (4 - n))};
    });
    const std::vector<std::string> ids{"d0", "d1", "d2", "d3", "d4"};
    // Signed, so that each request carries its delivery id (webhook-id).
    auto rs = deliver_batch(w, {{"url", sink.url()}, {"secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}}, ids);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        CHECK(rs[i].outcome == HERALD_OUTCOME_OK);
        CHECK(rs[i].excerpt == "for " + ids[i]);
    }
    test::http_sink silent;
    silent.respond({200, {}, "late", std::chrono::milliseconds(2000)});
    for (const auto& r : deliver_batch(w, {{"url", silent.url()}, {"timeout_ms", 200}}, {"a", "b", "c"})) {
        CHECK(r.outcome == HERALD_OUTCOME_RETRY);
        CHECK_THAT(r.message, Catch::EndsWith("no whole answer within 200 ms"));
    }
}

TEST_CASE("a large document arrives whole and the connection stays usable", "[http]") {
    http_world w;
    test::http_sink sink;
    // Larger than a socket's send buffer: the request's one send takes several writes.
    const std::string doc = R"({"call_report":null,"event_type":"x","payload":{"blob":")" + std::string(3 << 20, 'b') + "\"}}";
    auto rs = deliver_batch(w, {{"url", sink.url()}}, {"evt-lst"}, doc);
    CHECK(rs.at(0).outcome == HERALD_OUTCOME_OK);
    auto reqs = sink.requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].body == doc);
    // The connection is still good for the next one.
    CHECK(w.deliver({{"url", sink.url()}}).outcome == HERALD_OUTCOME_OK);
    CHECK(sink.connections() == 1);
}

TEST_CASE("a batch to a receiver that is down says so for every event", "[http]") {
    http_world w;
    std::string url;
    {
        test::http_sink gone;
        url = gone.url();
    }
    auto rs = deliver_batch(w, {{"url", url}}, {"a", "b", "c"});
    for (const auto& r : rs) {
        CHECK(r.outcome == HERALD_OUTCOME_RETRY);
        CHECK_THAT(r.message, Catch::StartsWith("cannot deliver to " + url));
    }
}

TEST_CASE("a receiver that is down or too slow means retry", "[http]") {
    http_world w;
    std::string url;
    {
        test::http_sink gone;
        url = gone.url();
    }
    auto r = w.deliver({{"url", url}});
    CHECK(r.outcome == HERALD_OUTCOME_RETRY);
    CHECK_THAT(r.message, Catch::StartsWith("cannot deliver to " + url));
    test::http_sink slow;
    slow.respond({200, {}, "late", std::chrono::milliseconds(1500)});
    auto t = w.deliver({{"url", slow.url()}, {"timeout_ms", 200}});
    CHECK(t.outcome == HERALD_OUTCOME_RETRY);
    CHECK_THAT(t.message, Catch::EndsWith("no whole answer within 200 ms"));
}

TEST_CASE("answers framed by chunks or by the connection's end are read whole", "[http]") {
    http_world w;
    test::raw_receiver chunked([](Poco::Net::StreamSocket& s, int) {
        while (test::raw_receiver::read_request(s))
            test::raw_receiver::write(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                         "4\r\nfine\r\n0\r\n\r\n");
    });
    for (int i = 0; i < 3; ++i) {
        const auto r = w.deliver({{"url", chunked.url()}});
        CHECK(r.outcome == HERALD_OUTCOME_OK);
        CHECK(r.excerpt == "fine");
    }
    CHECK(chunked.connections() == 1);  // a chunked answer leaves the connection reusable

    test::raw_receiver unframed(test::raw_receiver::answers_once("HTTP/1.1 410 Gone\r\n\r\nbye"));
    for (int i = 0; i < 2; ++i) {
        const auto r = w.deliver({{"url", unframed.url()}});
        CHECK(r.outcome == HERALD_OUTCOME_GONE);
        CHECK(r.excerpt == "bye");
    }
    CHECK(unframed.connections() == 2);  // read to its end, so not reused
}

TEST_CASE("a kept-alive connection the receiver closed meanwhile is replaced, the request sent again", "[http]") {
    http_world w;
    // Each connection answers one request as if it stayed open, then is closed by the receiver.
    test::raw_receiver one_shot(test::raw_receiver::answers_once("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    for (int i = 0; i < 3; ++i) {
        const auto r = w.deliver({{"url", one_shot.url()}});
        CHECK(r.outcome == HERALD_OUTCOME_OK);
        CHECK(r.excerpt == "ok");
    }
    CHECK(one_shot.connections() == 3);
    // A receiver that closes without answering is not tried forever: once more, then retry later.
    test::raw_receiver mute([](Poco::Net::StreamSocket& s, int) { test::raw_receiver::read_request(s); });
    const auto r = w.deliver({{"url", mute.url()}});
    CHECK(r.outcome == HERALD_OUTCOME_RETRY);
    CHECK_THAT(r.message, Catch::EndsWith("the connection closed without an answer"));
    CHECK(mute.connections() == 1);  // a fresh connection's silence is not a stale connection's
}

TEST_CASE("after a receiver's restart no request is lost to a second stale connection", "[http]") {
    http_world w;  // at most 2 connections per destination
    // Every connection answers one request, then the receiver closes it: to the client, a pool
    // of kept-alive connections all gone stale at once, as after the receiver restarts.
    test::raw_receiver restarting(test::raw_receiver::answers_once("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    const json cfg{{"url", restarting.url()}};
    for (const auto& r : deliver_batch(w, cfg, {"d0", "d1"})) REQUIRE(r.outcome == HERALD_OUTCOME_OK);
    REQUIRE(restarting.connections() == 2);  // both now idle in the pool, both closed by the receiver
    // The first stale one fails; the resend must not go to the other stale one.
    const auto r = w.deliver(cfg);
    CHECK(r.outcome == HERALD_OUTCOME_OK);
    CHECK(r.excerpt == "ok");
    CHECK(restarting.connections() == 3);
}

TEST_CASE("signed deliveries verify with the receiver's copy of the secret", "[http][signing]") {
    http_world w;
    test::http_sink sink;
    const std::string key_b64 = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    w.deliver({{"url", sink.url()}, {"secret", "whsec_" + key_b64}}, "evt-lst", 1);
    w.deliver({{"url", sink.url()}, {"secret", "whsec_" + key_b64}}, "evt-lst", 2);
    auto reqs = sink.requests();
    REQUIRE(reqs.size() == 2);
    unsigned char key[64];
    int n = EVP_DecodeBlock(key, reinterpret_cast<const unsigned char*>(key_b64.data()), static_cast<int>(key_b64.size()));
    const std::string raw_key(reinterpret_cast<char*>(key), static_cast<std::size_t>(n));
    for (auto& req : reqs) {
        CHECK(req.headers["webhook-id"] == "evt-lst");  // the same id on every attempt
        const std::string signed_content = req.headers["webhook-id"] + "." + req.headers["webhook-timestamp"] + "." + req.body;
        CHECK(req.headers["webhook-signature"] == "v1," + hmac_b64(raw_key, signed_content));
    }
}

TEST_CASE("HTTPS: trusted through ca_path, refused otherwise", "[http][tls]") {
    test::temp_dir dir;
    test::test_certs certs(dir.path);
    http_world w;
    test::http_sink sink(certs.server_key, certs.server_cert);
    REQUIRE_THAT(sink.url(), Catch::StartsWith("https://"));
    auto ok = w.deliver({{"url", sink.url()}, {"ca_path", certs.ca}});
    CHECK(ok.outcome == HERALD_OUTCOME_OK);
    CHECK(sink.requests().size() == 1);
    auto untrusted = w.deliver({{"url", sink.url()}, {"ca_path", certs.other_ca}});
    CHECK(untrusted.outcome == HERALD_OUTCOME_RETRY);
    auto system_store = w.deliver({{"url", sink.url()}});
    CHECK(system_store.outcome == HERALD_OUTCOME_RETRY);
    CHECK(sink.requests().size() == 1);  // nothing reached the receiver over an untrusted connection
}
