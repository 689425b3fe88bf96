#include <herald_http1/message_head.hpp>

#include <cctype>
#include <cstddef>

namespace herald::http1 {

namespace {

constexpr std::string_view k_crlf = "\r\n";

bool is_tchar(unsigned char c) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_token(std::string_view s) {
    if (s.empty()) return false;
    for (const char c : s)
        if (!is_tchar(static_cast<unsigned char>(c))) return false;
    return true;
}

// One pass over the line: find_first_of("\r\n") calls memchr once per character, which showed in
// the profile.
bool has_cr_or_lf(std::string_view line) {
    for (const char c : line)
        if (c == '\r' || c == '\n') return true;
    return false;
}

bool is_ws(char c) { return c == ' ' || c == '\t'; }

// Field values and reason phrases: visible characters, SP, HTAB and obs-text; no other controls.
bool is_text(std::string_view s) {
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
    }
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_ws(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ws(s.back())) s.remove_suffix(1);
    return s;
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string line_no(std::size_t n) { return "line " + std::to_string(n); }

std::string parse_request_line(std::string_view line, message_head& out) {
    const auto first = line.find(' ');
    const auto second = first == std::string_view::npos ? first : line.find(' ', first + 1);
    if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos)
        return "the request line is not 'METHOD target HTTP/1.1'";
    out.start[0] = line.substr(0, first);
    out.start[1] = line.substr(first + 1, second - first - 1);
    out.start[2] = line.substr(second + 1);
    if (!is_token(out.start[0])) return "the request method is not a token";
    if (out.start[1].empty()) return "the request line has no target";
    for (const char ch : out.start[1]) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c == 0x7f) return "the request target has a control character";
    }
    if (out.start[2].empty() || !is_text(out.start[2])) return "the request line has no version";
    return {};
}

std::string parse_status_line(std::string_view line, message_head& out) {
    const auto space = line.find(' ');
    const std::string_view rest = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    const bool digits = rest.size() >= 3 && std::isdigit(static_cast<unsigned char>(rest[0])) &&
                        std::isdigit(static_cast<unsigned char>(rest[1])) &&
                        std::isdigit(static_cast<unsigned char>(rest[2]));
    if (space == 0 || !digits || (rest.size() > 3 && rest[3] != ' '))
        return "the status line is not 'HTTP/1.1 code reason'";
    out.start[0] = line.substr(0, space);
    out.start[1] = rest.substr(0, 3);
    out.start[2] = rest.size() > 4 ? rest.substr(4) : std::string_view();
    if (!is_text(out.start[0]) || !is_text(out.start[2])) return "the status line has a control character";
    return {};
}

// A folded value read as one line: each CRLF with the whitespace around it becomes one SP.
std::string unfold(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size();) {
        if (v.compare(i, 2, k_crlf) == 0) {
            while (!out.empty() && is_ws(out.back())) out.pop_back();
            i += 2;
            while (i < v.size() && is_ws(v[i])) ++i;
            if (!out.empty() && i < v.size()) out += ' ';
            continue;
        }
        out += v[i++];
    }
    return out;
}

std::string value_of(const head_field& f) { return f.folded ? unfold(f.value) : std::string(f.value); }

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

std::optional<std::string> message_head::get(std::string_view name) const {
    for (const auto& f : fields)
        if (iequals(f.name, name)) return value_of(f);
    return std::nullopt;
}

std::optional<std::string> message_head::combined(std::string_view name) const {
    std::optional<std::string> out;
    for (const auto& f : fields) {
        if (!iequals(f.name, name)) continue;
        if (out) *out += ", ";
        else out.emplace();
        *out += value_of(f);
    }
    return out;
}

std::optional<std::string> message_head::single(std::string_view name) const {
    std::optional<std::string> first;
    for (const auto& f : fields) {
        if (!iequals(f.name, name)) continue;
        if (!first) first = value_of(f);
        else if (value_of(f) != *first) return combined(name);
    }
    return first;
}

bool message_head::has_token(std::string_view name, std::string_view token) const {
    const auto list = combined(name);
    if (!list) return false;
    std::string_view rest = *list;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        if (iequals(trim(rest.substr(0, comma)), token)) return true;
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return false;
}

std::string parse_head(std::string_view bytes, start_line kind, message_head& out) {
    out.fields.clear();
    out.fields.reserve(16);
    std::size_t pos = 0;
    // A server ignores empty lines before a request line (RFC 9112 §2.2): some clients send a
    // CRLF after a POST's body.
    if (kind == start_line::request)
        while (bytes.compare(pos, 2, k_crlf) == 0) pos += 2;
    for (std::size_t n = 1;; ++n) {
        const auto eol = bytes.find(k_crlf, pos);
        if (eol == std::string_view::npos) return "the head does not end with an empty line";
        const std::string_view line = bytes.substr(pos, eol - pos);
        pos = eol + 2;
        if (has_cr_or_lf(line)) return line_no(n) + " ends in a bare CR or LF, not CRLF";
        if (n == 1) {
            std::string why = kind == start_line::request ? parse_request_line(line, out) : parse_status_line(line, out);
            if (!why.empty()) return why;
            continue;
        }
        if (line.empty()) return {};
        if (is_ws(line.front())) {  // obs-fold: the previous field's value goes on
            if (out.fields.empty()) return line_no(n) + " begins with whitespace before any header field";
            const std::string_view more = trim(line);
            if (!is_text(more)) return "the header field on " + line_no(n) + " has a control character";
            head_field& f = out.fields.back();
            if (more.empty()) continue;
            if (f.value.empty()) {
                f.value = more;
            } else {
                f.value = std::string_view(f.value.data(), static_cast<std::size_t>(more.data() + more.size() - f.value.data()));
                f.folded = true;
            }
            continue;
        }
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) return line_no(n) + " is not a header field ('name: value')";
        const std::string_view name = line.substr(0, colon);
        if (!name.empty() && is_ws(name.back()))
            return "the header field on " + line_no(n) + " has whitespace before its colon";
        if (!is_token(name)) return "the header field name on " + line_no(n) + " is not a token";
        const std::string_view value = trim(line.substr(colon + 1));
        if (!is_text(value)) return "the header field on " + line_no(n) + " has a control character";
        out.fields.push_back({name, value, false});
    }
}

bool keeps_alive(const message_head& head, std::string_view version) {
    if (head.has_token("Connection", "close")) return false;
    if (version == "HTTP/1.1") return true;
    return head.has_token("Connection", "keep-alive");
}

}  // namespace herald::http1
