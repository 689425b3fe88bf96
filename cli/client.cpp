#include "client.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/Net/AcceptCertificateHandler.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <memory>
#include <sstream>

namespace herald::cli {

namespace {

std::unique_ptr<Poco::Net::HTTPClientSession> open_session(const Poco::URI& uri, const settings& s) {
    if (uri.getScheme() == "https") {
        Poco::Net::initializeSSL();
        const auto mode = s.insecure ? Poco::Net::Context::VERIFY_NONE : Poco::Net::Context::VERIFY_RELAXED;
        Poco::Net::Context::Ptr ctx =
            new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", s.ca_path, mode, 9, s.ca_path.empty());
        Poco::Net::SSLManager::InvalidCertificateHandlerPtr handler;
        if (s.insecure) handler = new Poco::Net::AcceptCertificateHandler(false);
        else handler = new Poco::Net::RejectCertificateHandler(false);
        Poco::Net::SSLManager::instance().initializeClient(nullptr, handler, ctx);
        return std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), ctx);
    }
    if (uri.getScheme() != "http")
        throw unreachable("the server URL must start with http:// or https://, not '" + uri.toString() + "'");
    return std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
}

}  // namespace

response client::request(const std::string& method, const std::string& path, const nlohmann::json* body) const {
    Poco::URI uri;
    try {
        uri = Poco::URI(s_.server);
    } catch (const Poco::Exception& e) {
        throw unreachable("the server URL '" + s_.server + "' is not valid: " + e.displayText());
    }
    auto session = open_session(uri, s_);
    session->setTimeout(Poco::Timespan(60, 0));
    Poco::Net::HTTPRequest req(method, "/pulp/api/v2/" + path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Accept", "application/json");
    if (!s_.username.empty()) {
        std::ostringstream token;
        Poco::Base64Encoder enc(token);
        enc.rdbuf()->setLineLength(0);
        enc << s_.username << ":" << s_.password;
        enc.close();
        req.set("Authorization", "Basic " + token.str());
    }
    const std::string payload = body ? body->dump() : std::string();
    if (body) {
        req.setContentType("application/json");
        req.setContentLength(static_cast<std::streamsize>(payload.size()));
    }
    response out;
    try {
        session->sendRequest(req) << payload;
        Poco::Net::HTTPResponse resp;
        std::istream& in = session->receiveResponse(resp);
        Poco::StreamCopier::copyToString(in, out.raw);
        out.status = static_cast<int>(resp.getStatus());
    } catch (const Poco::Exception& e) {
        throw unreachable("cannot reach the server at " + s_.server + ": " + e.displayText());
    }
    try {
        out.body = out.raw.empty() ? nlohmann::json() : nlohmann::json::parse(out.raw);
    } catch (const nlohmann::json::exception&) {
        out.body = out.raw;
    }
    return out;
}

}  // namespace herald::cli
