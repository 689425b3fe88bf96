#include "outcome.hpp"

#include <catch2/catch.hpp>

using namespace herald::http;
using namespace std::chrono;

TEST_CASE("each status class maps to its outcome", "[http][outcome]") {
    const auto now = system_clock::now();
    struct row { int status; herald_outcome outcome; };
    for (auto r : {row{200, HERALD_OUTCOME_OK}, row{201, HERALD_OUTCOME_OK}, row{204, HERALD_OUTCOME_OK},
                   row{299, HERALD_OUTCOME_OK}, row{301, HERALD_OUTCOME_FAILED}, row{302, HERALD_OUTCOME_FAILED},
                   row{400, HERALD_OUTCOME_FAILED}, row{401, HERALD_OUTCOME_FAILED}, row{404, HERALD_OUTCOME_FAILED},
                   row{408, HERALD_OUTCOME_RETRY}, row{410, HERALD_OUTCOME_GONE}, row{425, HERALD_OUTCOME_RETRY},
                   row{429, HERALD_OUTCOME_RETRY}, row{500, HERALD_OUTCOME_RETRY}, row{502, HERALD_OUTCOME_RETRY},
                   row{503, HERALD_OUTCOME_RETRY}}) {
        INFO(r.status);
        auto res = classify(r.status, "https://h/x", "", now);
        CHECK(res.outcome == r.outcome);
        CHECK(res.status_code == r.status);
        CHECK(res.message.find("HTTP " + std::to_string(r.status) + " from https://h/x") == 0);
    }
    CHECK(classify(302, "https://h/x", "", now).message == "HTTP 302 from https://h/x (redirects are not followed)");
}

TEST_CASE("Retry-After is passed on, as seconds or as an HTTP-date", "[http][outcome]") {
    const auto now = system_clock::from_time_t(1700000000);  // Tue, 14 Nov 2023 22:13:20 GMT
    CHECK(classify(503, "http://h/", "120", now).retry_after == milliseconds(120000));
    CHECK(classify(429, "http://h/", "Tue, 14 Nov 2023 22:14:20 GMT", now).retry_after == milliseconds(60000));
    CHECK(classify(503, "http://h/", "Tue, 14 Nov 2023 22:00:00 GMT", now).retry_after == milliseconds(0));
    CHECK_FALSE(classify(503, "http://h/", "soon", now).retry_after);
    CHECK_FALSE(classify(503, "http://h/", "", now).retry_after);
}

TEST_CASE("credentials in URLs never reach messages", "[http][outcome]") {
    CHECK(redact_url("https://user:pw@h.example/x?y=1") == "https://h.example/x?y=1");
    CHECK(classify(500, "https://user:pw@h/", "", system_clock::now()).message.find("pw") == std::string::npos);
}
