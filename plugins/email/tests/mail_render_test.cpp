#include "mail_render.hpp"
#include "smtp_sender.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace herald::email;

TEST_CASE("the body is the event document indented by 2", "[email]") {
    CHECK(render_body(R"({"call_report":null,"event_type":"repo.sync.start","payload":{"repo_id":"r"}})") ==
          "{\n  \"call_report\": null,\n  \"event_type\": \"repo.sync.start\",\n  \"payload\": {\n    \"repo_id\": \"r\"\n  }\n}\n");
}

TEST_CASE("a message has one recipient and Pulp's headers", "[email]") {
    auto m = render_message("pulp notification", "pulp@localhost", "someone@example.com", "{}\n", "<d.0@herald>");
    std::ostringstream out;
    m->write(out);
    const std::string text = out.str();
    CHECK_THAT(text, Catch::Contains("Subject: pulp notification\r\n"));
    CHECK_THAT(text, Catch::Contains("From: pulp@localhost\r\n"));
    CHECK_THAT(text, Catch::Contains("To: <someone@example.com>\r\n"));
    CHECK_THAT(text, Catch::Contains("MIME-Version: 1.0\r\n"));
    CHECK_THAT(text, Catch::Contains("Message-ID: <d.0@herald>\r\n"));
    CHECK_THAT(text, Catch::Contains("Content-Type: text/plain; charset=UTF-8\r\n"));
    CHECK_THAT(text, Catch::Contains("Date: "));
    CHECK(m->recipients().size() == 1);
}

TEST_CASE("the outcome names who got the message", "[email]") {
    send_report all{{"a@x", "b@x"}, {}, {}, "", 0};
    auto ok = to_result(all, "smtp:25");
    CHECK(ok.outcome == HERALD_OUTCOME_OK);
    CHECK(ok.message == "sent to a@x, b@x via smtp:25");
    send_report rejected{{"a@x"}, {"b@x"}, {}, "b@x: Recipient rejected", 550};
    auto failed = to_result(rejected, "smtp:25");
    CHECK(failed.outcome == HERALD_OUTCOME_FAILED);
    CHECK(failed.status_code == 550);
    CHECK_THAT(failed.message, Catch::Contains("rejected for good: b@x"));
    send_report deferred{{}, {"b@x"}, {"a@x"}, "a@x: 451 try later", 451};
    CHECK(to_result(deferred, "smtp:25").outcome == HERALD_OUTCOME_RETRY);
}
