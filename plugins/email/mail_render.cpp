#include "mail_render.hpp"

#include <Poco/Net/MediaType.h>
#include <Poco/Timestamp.h>

namespace herald::email {

std::string render_body(const std::string& document) { return nlohmann::json::parse(document).dump(2) + "\n"; }

std::unique_ptr<Poco::Net::MailMessage> render_message(const std::string& subject, const std::string& from,
                                                       const std::string& to, const std::string& body,
                                                       const std::string& message_id) {
    auto m = std::make_unique<Poco::Net::MailMessage>();
    m->setSender(from);
    m->addRecipient(Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT, to));
    // Encoded-word only when needed, so plain subjects read as sent in every client.
    m->setSubject(Poco::Net::MailMessage::encodeWord(subject, "UTF-8"));
    m->setDate(Poco::Timestamp());
    m->set("Message-ID", message_id);
    m->set("MIME-Version", "1.0");
    m->setContentType("text/plain; charset=UTF-8");
    // Quoted-printable keeps any line of a large payload within SMTP's 998-byte limit.
    m->setContent(body, Poco::Net::MailMessage::ENCODING_QUOTED_PRINTABLE);
    return m;
}

}  // namespace herald::email
