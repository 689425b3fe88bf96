#pragma once
// AMQP topic patterns over dot-separated event types: "*" matches exactly one word, "#" zero or
// more. (A listener's lone "*" is Pulp's "every type" and is handled before patterns.)
#include <string>
#include <vector>

namespace herald::core {

std::vector<std::string> split_words(const std::string& type);

/// True when some word of `name` is "*" or "#" (and it is not the lone "*").
bool is_topic_pattern(const std::string& name);

/// Does `pattern` match the event type `type`?
bool topic_matches(const std::string& pattern, const std::string& type);

}  // namespace herald::core
