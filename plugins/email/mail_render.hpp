#pragma once
// Event → one mail message per address, as a pure function (tested without a server).
#include <Poco/Net/MailMessage.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace herald::email {

/// The body Pulp sent: the event document as JSON indented by 2.
std::string render_body(const std::string& document);

/// A text/plain UTF-8 message with Subject, From, To (one address), Date and Message-ID.
std::unique_ptr<Poco::Net::MailMessage> render_message(const std::string& subject, const std::string& from,
                                                       const std::string& to, const std::string& body,
                                                       const std::string& message_id);

}  // namespace herald::email
