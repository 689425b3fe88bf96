#include "signature.hpp"

#include <catch2/catch.hpp>

using namespace herald::http;

TEST_CASE("Standard Webhooks' published test vector", "[http][signing]") {
    CHECK(sign_v1("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                  R"({"test": 2432232314})") == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST_CASE("rotation sends one signature per secret, space-separated", "[http][signing]") {
    const std::string a = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const std::string b = "whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXk=";
    const auto header = signature_header({a, b}, "id1", 1, "{}");
    CHECK(header == sign_v1(a, "id1", 1, "{}") + " " + sign_v1(b, "id1", 1, "{}"));
    CHECK(sign_v1(a, "id1", 1, "{}") != sign_v1(a, "id1", 2, "{}"));  // the timestamp is signed
}

TEST_CASE("secrets that are not whsec_ + base64 are rejected", "[http][signing]") {
    CHECK_THROWS_AS(sign_v1("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "i", 1, "b"), std::invalid_argument);
    CHECK_THROWS_AS(sign_v1("whsec_abc", "i", 1, "b"), std::invalid_argument);
}
