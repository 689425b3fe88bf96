#include <herald_http1/chunked_body.hpp>

#include <cctype>

namespace herald::http1 {

chunked_body::status chunked_body::feed(std::string_view buf) {
    for (;;) {
        const auto eol = buf.find("\r\n", pos_);
        if (eol == std::string_view::npos) return buf.size() - pos_ > 4096 ? status::bad : status::incomplete;
        const std::string_view line = buf.substr(pos_, eol - pos_);
        if (trailers_) {
            pos_ = eol + 2;
            if (line.empty()) return status::complete;  // trailer fields are read and ignored
            continue;
        }
        // chunk-size [; chunk-ext]
        std::size_t size = 0, digits = 0;
        for (char c : line) {
            const int v = std::isxdigit(static_cast<unsigned char>(c))
                              ? (std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10))
                              : -1;
            if (v < 0) break;
            if (++digits > 15) return status::bad;
            size = size * 16 + static_cast<std::size_t>(v);
        }
        if (digits == 0 || (digits < line.size() && line[digits] != ';' && line[digits] != ' ' && line[digits] != '\t'))
            return status::bad;
        if (size == 0) {
            pos_ = eol + 2;
            trailers_ = true;
            continue;
        }
        if (body_.size() + size > limit_) return status::too_large;
        const std::size_t data = eol + 2;
        if (buf.size() < data + size + 2) return status::incomplete;  // the chunk has not all come
        if (buf.substr(data + size, 2) != "\r\n") return status::bad;
        body_.append(buf.data() + data, size);
        pos_ = data + size + 2;
    }
}

}  // namespace herald::http1
