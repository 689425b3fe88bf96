#include "schema/schema_validator.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

namespace herald::core {
namespace {

using nlohmann::json;

const std::set<std::string> k_type_names = {"null", "boolean", "object", "array", "number", "string", "integer"};

std::string type_name(const json& v) {
    switch (v.type()) {
        case json::value_t::null: return "null";
        case json::value_t::boolean: return "boolean";
        case json::value_t::object: return "object";
        case json::value_t::array: return "array";
        case json::value_t::string: return "string";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned: return "integer";
        case json::value_t::number_float: return "number";
        default: return "unknown";
    }
}

bool is_integral(const json& v) {
    if (v.is_number_integer()) return true;
    if (!v.is_number_float()) return false;
    double d = v.get<double>();
    return std::isfinite(d) && std::floor(d) == d;
}

bool matches_type(const std::string& t, const json& v) {
    if (t == "integer") return is_integral(v);
    if (t == "number") return v.is_number();
    if (t == "null") return v.is_null();
    if (t == "boolean") return v.is_boolean();
    if (t == "object") return v.is_object();
    if (t == "array") return v.is_array();
    if (t == "string") return v.is_string();
    return false;
}

// JSON equality as JSON Schema defines it: 1 and 1.0 are equal, true and 1 are not.
bool json_equal(const json& a, const json& b) {
    if (a.is_number() && b.is_number()) {
        if (a.is_number_float() || b.is_number_float()) return a.get<double>() == b.get<double>();
        return a == b;  // both integers: compare exactly, beyond double precision
    }
    if (a.type() != b.type()) return false;
    if (a.is_array()) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if (!json_equal(a[i], b[i])) return false;
        return true;
    }
    if (a.is_object()) {
        if (a.size() != b.size()) return false;
        for (auto it = a.begin(); it != a.end(); ++it) {
            auto jt = b.find(it.key());
            if (jt == b.end() || !json_equal(*it, *jt)) return false;
        }
        return true;
    }
    return a == b;
}

std::size_t utf8_length(const std::string& s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

std::string describe_values(const json& values) {
    std::string out;
    for (const auto& v : values) {
        if (!out.empty()) out += ", ";
        out += v.dump();
    }
    return out;
}

std::string join_keys(const json& obj) {
    std::string out;
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        if (!out.empty()) out += ", ";
        out += it.key();
    }
    return out.empty() ? "(none)" : out;
}

// RFC 3986 absolute URI: a scheme, a colon, then no whitespace, backslash or other characters
// that may never appear in a URI.
bool is_uri(const std::string& s) {
    static const std::regex re(R"(^[A-Za-z][A-Za-z0-9+.\-]*:[^\s\\"<>^`{|}]*$)");
    return std::regex_match(s, re);
}

bool is_email(const std::string& s) {
    static const std::regex re(R"(^[^@\s]+@[^@\s]+$)");
    return std::regex_match(s, re);
}

std::string format_number(double d) {
    std::ostringstream os;
    os << d;
    return os.str();
}

}  // namespace

std::string json_pointer_append(const std::string& base, const std::string& token) {
    std::string escaped;
    for (char c : token) {
        if (c == '~') escaped += "~0";
        else if (c == '/') escaped += "~1";
        else escaped += c;
    }
    return base + "/" + escaped;
}

std::string json_pointer_append(const std::string& base, std::size_t index) {
    return base + "/" + std::to_string(index);
}

schema_validator::schema_validator(json schema) : schema_(std::move(schema)) { check_schema(schema_, ""); }

void schema_validator::check_schema(const json& s, const std::string& where) {
    if (s.is_boolean()) return;
    if (!s.is_object()) throw invalid_schema("schema at '" + where + "' must be an object or a boolean");
    auto bad = [&](const std::string& key, const std::string& why) {
        throw invalid_schema("schema keyword '" + json_pointer_append(where, key) + "' " + why);
    };
    if (s.contains("$ref")) bad("$ref", "is not supported; inline the referenced schema");
    if (auto it = s.find("type"); it != s.end()) {
        json types = it->is_array() ? *it : json::array({*it});
        for (const auto& t : types)
            if (!t.is_string() || !k_type_names.count(t.get<std::string>()))
                bad("type", "must name JSON types (null, boolean, object, array, number, string, integer)");
    }
    for (const char* k : {"properties", "patternProperties", "dependencies"}) {
        if (auto it = s.find(k); it != s.end()) {
            if (!it->is_object()) bad(k, "must be an object");
            for (auto p = it->begin(); p != it->end(); ++p) {
                if (std::string(k) == "dependencies" && p->is_array()) continue;
                if (std::string(k) == "patternProperties") compile_pattern(p.key());
                check_schema(*p, json_pointer_append(json_pointer_append(where, k), p.key()));
            }
        }
    }
    for (const char* k : {"additionalProperties", "propertyNames", "additionalItems", "contains", "not", "if",
                          "then", "else"})
        if (auto it = s.find(k); it != s.end()) check_schema(*it, json_pointer_append(where, k));
    if (auto it = s.find("items"); it != s.end()) {
        if (it->is_array()) {
            for (std::size_t i = 0; i < it->size(); ++i)
                check_schema((*it)[i], json_pointer_append(json_pointer_append(where, "items"), i));
        } else {
            check_schema(*it, json_pointer_append(where, "items"));
        }
    }
    for (const char* k : {"allOf", "anyOf", "oneOf"}) {
        if (auto it = s.find(k); it != s.end()) {
            if (!it->is_array() || it->empty()) bad(k, "must be a non-empty array of schemas");
            for (std::size_t i = 0; i < it->size(); ++i)
                check_schema((*it)[i], json_pointer_append(json_pointer_append(where, k), i));
        }
    }
    if (auto it = s.find("required"); it != s.end()) {
        if (!it->is_array() || !std::all_of(it->begin(), it->end(), [](const json& x) { return x.is_string(); }))
            bad("required", "must be an array of property names");
    }
    if (auto it = s.find("enum"); it != s.end() && !it->is_array()) bad("enum", "must be an array");
    for (const char* k : {"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"})
        if (auto it = s.find(k); it != s.end() && !(is_integral(*it) && it->get<double>() >= 0))
            bad(k, "must be a non-negative integer");
    for (const char* k : {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})
        if (auto it = s.find(k); it != s.end() && !it->is_number()) bad(k, "must be a number");
    if (auto it = s.find("multipleOf"); it != s.end() && !(it->is_number() && it->get<double>() > 0))
        bad("multipleOf", "must be a number greater than 0");
    if (auto it = s.find("pattern"); it != s.end()) {
        if (!it->is_string()) bad("pattern", "must be a string");
        compile_pattern(it->get<std::string>());
    }
    if (auto it = s.find("uniqueItems"); it != s.end() && !it->is_boolean()) bad("uniqueItems", "must be a boolean");
    if (auto it = s.find("writeOnly"); it != s.end() && !it->is_boolean()) bad("writeOnly", "must be a boolean");
}

void schema_validator::compile_pattern(const std::string& pattern) {
    if (regexes_.count(pattern)) return;
    try {
        regexes_.emplace(pattern, std::regex(pattern, std::regex::ECMAScript));
    } catch (const std::regex_error& e) {
        throw invalid_schema("pattern '" + pattern + "' is not a valid regular expression: " + e.what());
    }
}

// Every pattern was compiled by check_schema() in the constructor.
const std::regex& schema_validator::regex_for(const std::string& pattern) const { return regexes_.at(pattern); }

std::vector<schema_error> schema_validator::validate(const json& instance) const {
    std::vector<schema_error> out;
    validate_node(schema_, instance, "", out);
    return out;
}

bool schema_validator::is_valid(const json& s, const json& v) const {
    std::vector<schema_error> tmp;
    validate_node(s, v, "", tmp);
    return tmp.empty();
}

void schema_validator::validate_node(const json& s, const json& v, const std::string& ptr,
                                     std::vector<schema_error>& out) const {
    if (s.is_boolean()) {
        if (!s.get<bool>()) out.push_back({ptr, "no value is allowed here"});
        return;
    }
    if (auto it = s.find("type"); it != s.end()) {
        json types = it->is_array() ? *it : json::array({*it});
        bool ok = std::any_of(types.begin(), types.end(),
                              [&](const json& t) { return matches_type(t.get<std::string>(), v); });
        if (!ok) {
            std::string expected;
            for (const auto& t : types) expected += (expected.empty() ? "" : " or ") + t.get<std::string>();
            out.push_back({ptr, "must be of type " + expected + ", not " + type_name(v)});
            return;  // the other keywords would only repeat the same mistake
        }
    }
    if (auto it = s.find("enum"); it != s.end()) {
        if (std::none_of(it->begin(), it->end(), [&](const json& e) { return json_equal(e, v); }))
            out.push_back({ptr, "must be one of: " + describe_values(*it)});
    }
    if (auto it = s.find("const"); it != s.end() && !json_equal(*it, v))
        out.push_back({ptr, "must be exactly " + it->dump()});
    if (v.is_object()) validate_object(s, v, ptr, out);
    if (v.is_array()) validate_array(s, v, ptr, out);
    if (v.is_string()) validate_string(s, v, ptr, out);
    if (v.is_number()) validate_number(s, v, ptr, out);
    validate_combinators(s, v, ptr, out);
}

void schema_validator::validate_object(const json& s, const json& v, const std::string& ptr,
                                       std::vector<schema_error>& out) const {
    if (auto it = s.find("required"); it != s.end()) {
        for (const auto& name : *it)
            if (!v.contains(name.get<std::string>()))
                out.push_back({json_pointer_append(ptr, name.get<std::string>()), "is required but missing"});
    }
    if (auto it = s.find("minProperties"); it != s.end() && v.size() < it->get<double>())
        out.push_back({ptr, "must have at least " + it->dump() + " properties"});
    if (auto it = s.find("maxProperties"); it != s.end() && v.size() > it->get<double>())
        out.push_back({ptr, "must have at most " + it->dump() + " properties"});

    const json* props = s.contains("properties") ? &s["properties"] : nullptr;
    const json* patterns = s.contains("patternProperties") ? &s["patternProperties"] : nullptr;
    const json* additional = s.contains("additionalProperties") ? &s["additionalProperties"] : nullptr;
    for (auto member = v.begin(); member != v.end(); ++member) {
        const std::string& key = member.key();
        std::string child = json_pointer_append(ptr, key);
        bool matched = false;
        if (props) {
            if (auto p = props->find(key); p != props->end()) {
                matched = true;
                validate_node(*p, *member, child, out);
            }
        }
        if (patterns) {
            for (auto p = patterns->begin(); p != patterns->end(); ++p) {
                if (std::regex_search(key, regex_for(p.key()))) {
                    matched = true;
                    validate_node(*p, *member, child, out);
                }
            }
        }
        if (!matched && additional) {
            if (additional->is_boolean() && !additional->get<bool>()) {
                out.push_back({child, "is not an allowed key; allowed keys: " +
                                          (props ? join_keys(*props) : std::string("(none)"))});
            } else {
                validate_node(*additional, *member, child, out);
            }
        }
    }
    if (auto it = s.find("propertyNames"); it != s.end()) {
        for (auto member = v.begin(); member != v.end(); ++member)
            if (!is_valid(*it, json(member.key())))
                out.push_back({json_pointer_append(ptr, member.key()), "is not an allowed property name"});
    }
    if (auto it = s.find("dependencies"); it != s.end()) {
        for (auto dep = it->begin(); dep != it->end(); ++dep) {
            if (!v.contains(dep.key())) continue;
            if (dep->is_array()) {
                for (const auto& needed : *dep)
                    if (!v.contains(needed.get<std::string>()))
                        out.push_back({json_pointer_append(ptr, needed.get<std::string>()),
                                       "is required when '" + dep.key() + "' is present"});
            } else {
                validate_node(*dep, v, ptr, out);
            }
        }
    }
}

void schema_validator::validate_array(const json& s, const json& v, const std::string& ptr,
                                      std::vector<schema_error>& out) const {
    if (auto it = s.find("minItems"); it != s.end() && v.size() < it->get<double>())
        out.push_back({ptr, "must have at least " + it->dump() + " item(s)"});
    if (auto it = s.find("maxItems"); it != s.end() && v.size() > it->get<double>())
        out.push_back({ptr, "must have at most " + it->dump() + " item(s)"});
    if (auto it = s.find("uniqueItems"); it != s.end() && it->get<bool>()) {
        for (std::size_t i = 0; i < v.size(); ++i)
            for (std::size_t j = i + 1; j < v.size(); ++j)
                if (json_equal(v[i], v[j])) {
                    out.push_back({json_pointer_append(ptr, j), "duplicates item " + std::to_string(i)});
                    i = v.size();
                    break;
                }
    }
    if (auto it = s.find("items"); it != s.end()) {
        if (it->is_array()) {
            for (std::size_t i = 0; i < v.size(); ++i) {
                if (i < it->size()) {
                    validate_node((*it)[i], v[i], json_pointer_append(ptr, i), out);
                } else if (auto add = s.find("additionalItems"); add != s.end()) {
                    validate_node(*add, v[i], json_pointer_append(ptr, i), out);
                }
            }
        } else {
            for (std::size_t i = 0; i < v.size(); ++i) validate_node(*it, v[i], json_pointer_append(ptr, i), out);
        }
    }
    if (auto it = s.find("contains"); it != s.end()) {
        if (std::none_of(v.begin(), v.end(), [&](const json& item) { return is_valid(*it, item); }))
            out.push_back({ptr, "must contain at least one matching item"});
    }
}

void schema_validator::validate_string(const json& s, const json& v, const std::string& ptr,
                                       std::vector<schema_error>& out) const {
    const auto& str = v.get_ref<const std::string&>();
    if (auto it = s.find("minLength"); it != s.end() && utf8_length(str) < it->get<double>())
        out.push_back({ptr, "must be at least " + it->dump() + " character(s) long"});
    if (auto it = s.find("maxLength"); it != s.end() && utf8_length(str) > it->get<double>())
        out.push_back({ptr, "must be at most " + it->dump() + " character(s) long"});
    if (auto it = s.find("pattern"); it != s.end() && !std::regex_search(str, regex_for(it->get<std::string>())))
        out.push_back({ptr, "must match the pattern " + it->dump()});
    if (auto it = s.find("format"); it != s.end() && it->is_string()) {
        const auto& f = it->get_ref<const std::string&>();
        if (f == "uri" && !is_uri(str)) out.push_back({ptr, "must be an absolute URI (e.g. https://host/path)"});
        if (f == "email" && !is_email(str)) out.push_back({ptr, "must be an email address (user@domain)"});
    }
}

void schema_validator::validate_number(const json& s, const json& v, const std::string& ptr,
                                       std::vector<schema_error>& out) const {
    const double d = v.get<double>();
    if (auto it = s.find("minimum"); it != s.end() && d < it->get<double>())
        out.push_back({ptr, "must be at least " + it->dump()});
    if (auto it = s.find("maximum"); it != s.end() && d > it->get<double>())
        out.push_back({ptr, "must be at most " + it->dump()});
    if (auto it = s.find("exclusiveMinimum"); it != s.end() && d <= it->get<double>())
        out.push_back({ptr, "must be greater than " + it->dump()});
    if (auto it = s.find("exclusiveMaximum"); it != s.end() && d >= it->get<double>())
        out.push_back({ptr, "must be less than " + it->dump()});
    if (auto it = s.find("multipleOf"); it != s.end()) {
        const double m = it->get<double>();
        const double q = d / m;
        if (!std::isfinite(q) || std::fabs(q - std::round(q)) > 1e-9 * std::max(1.0, std::fabs(q)))
            out.push_back({ptr, "must be a multiple of " + format_number(m)});
    }
}

void schema_validator::validate_combinators(const json& s, const json& v, const std::string& ptr,
                                            std::vector<schema_error>& out) const {
    if (auto it = s.find("allOf"); it != s.end())
        for (const auto& sub : *it) validate_node(sub, v, ptr, out);
    if (auto it = s.find("anyOf"); it != s.end()) {
        if (std::none_of(it->begin(), it->end(), [&](const json& sub) { return is_valid(sub, v); }))
            out.push_back({ptr, "must match at least one of the anyOf alternatives"});
    }
    if (auto it = s.find("oneOf"); it != s.end()) {
        auto n = std::count_if(it->begin(), it->end(), [&](const json& sub) { return is_valid(sub, v); });
        if (n != 1)
            out.push_back({ptr, "must match exactly one of the oneOf alternatives (matches " + std::to_string(n) + ")"});
    }
    if (auto it = s.find("not"); it != s.end() && is_valid(*it, v))
        out.push_back({ptr, "must not match the schema under 'not'"});
    if (auto it = s.find("if"); it != s.end()) {
        if (is_valid(*it, v)) {
            if (auto t = s.find("then"); t != s.end()) validate_node(*t, v, ptr, out);
        } else if (auto e = s.find("else"); e != s.end()) {
            validate_node(*e, v, ptr, out);
        }
    }
}

void schema_validator::apply_defaults(json& instance) const { walk_defaults(schema_, instance); }

void schema_validator::walk_defaults(const json& s, json& v) {
    if (!s.is_object() || !v.is_object()) return;
    if (auto props = s.find("properties"); props != s.end()) {
        for (auto p = props->begin(); p != props->end(); ++p) {
            if (!p->is_object()) continue;
            if (!v.contains(p.key())) {
                auto d = p->find("default");
                if (d == p->end()) continue;
                v[p.key()] = *d;
            }
            walk_defaults(*p, v[p.key()]);  // a defaulted {} section gets its members' defaults too
        }
    }
    if (auto all = s.find("allOf"); all != s.end())
        for (const auto& sub : *all) walk_defaults(sub, v);
}

void schema_validator::redact(json& instance) const { walk_redact(schema_, instance); }

void schema_validator::walk_redact(const json& s, json& v) {
    if (!s.is_object() || !v.is_object()) return;
    if (auto props = s.find("properties"); props != s.end()) {
        for (auto p = props->begin(); p != props->end(); ++p) {
            auto member = v.find(p.key());
            if (member == v.end() || !p->is_object()) continue;
            if (p->value("writeOnly", false)) {
                *member = "********";
            } else {
                walk_redact(*p, *member);
            }
        }
    }
    if (auto all = s.find("allOf"); all != s.end())
        for (const auto& sub : *all) walk_redact(sub, v);
}

}  // namespace herald::core
