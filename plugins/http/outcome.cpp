#include "outcome.hpp"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <cctype>
#include <regex>

namespace herald::http {

using herald::sdk::delivery_result;

std::string redact_url(const std::string& url) {
    // Every delivery's message names its URL, and parsing one costs more than the answer's head:
    // without an '@' there is no user:password to take out.
    if (url.find('@') == std::string::npos) return url;
    try {
        Poco::URI uri(url);
        if (uri.getUserInfo().empty()) return url;
        uri.setUserInfo("");
        return uri.toString();
    } catch (const Poco::Exception&) {
        return url;
    }
}

std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value,
                                                           std::chrono::system_clock::time_point now) {
    if (value.empty()) return std::nullopt;
    bool digits = true;
    for (char c : value) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    if (digits) {
        if (value.size() > 9) return std::chrono::milliseconds(999999999LL * 1000);
        return std::chrono::seconds(std::stoll(value));
    }
    // IMF-fixdate, the HTTP-date form senders must use (RFC 9110 §5.6.7); POCO's parser alone
    // would accept almost any text.
    static const std::regex imf(R"(^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$)");
    if (!std::regex_match(value, imf)) return std::nullopt;
    try {
        int tz = 0;
        Poco::DateTime when = Poco::DateTimeParser::parse(Poco::DateTimeFormat::HTTP_FORMAT, value, tz);
        const auto at = std::chrono::system_clock::from_time_t(when.timestamp().epochTime());
        const auto delta = std::chrono::duration_cast<std::chrono::milliseconds>(at - now);
        return delta.count() < 0 ? std::chrono::milliseconds(0) : delta;
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

delivery_result classify(int status, const std::string& url, const std::string& retry_after,
                         std::chrono::system_clock::time_point now) {
    const std::string what = "HTTP " + std::to_string(status) + " from " + redact_url(url);
    if (status >= 200 && status < 300) return delivery_result::ok(what).with_status(status);
    if (status == 408 || status == 425 || status == 429 || status >= 500)
        return delivery_result::retry(what, parse_retry_after(retry_after, now)).with_status(status);
    if (status == 410) return delivery_result::gone(what + " (the receiver is gone)").with_status(status);
    if (status >= 300 && status < 400)
        return delivery_result::failed(what + " (redirects are not followed)").with_status(status);
    return delivery_result::failed(what).with_status(status);
}

}  // namespace herald::http
