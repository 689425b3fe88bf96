#pragma once
// One REST request and its answer as the API logic sees them, whatever carried them: the
// event loop (plain HTTP) and POCO's connection threads (HTTPS) both fill and send these.
#include <string>
#include <utility>
#include <vector>

namespace herald::rest {

struct api_request {
    std::string method;
    std::string uri;            // as sent: path and query
    std::string authorization;  // the Authorization header, or ""
    std::string body;           // read within server.max_body_bytes
    bool body_too_large = false;  // the body was over the limit and not read (body is empty)
};

struct api_answer {
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // beyond Content-Type and -Length
    bool close = false;  // the connection cannot be reused (an unread body)
};

}  // namespace herald::rest
