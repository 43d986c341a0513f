#pragma once
// How `herald logtest` shows one PUT /logtest answer: wazuh-logtest's layout (the 4.x
// wazuh-logtest script's show_ossec_logtest_like), so that an operator used to it reads the
// same thing: the three phases, each field as "\t<name>: '<value>'", values as Python prints
// them (False, ['a', 'b']), nested objects with dotted names, then "**Alert to be generated.".
#include <boost/json/object.hpp>
#include <string>

namespace herald::cli {

// `data` is the answer's "data" object. Warnings come first ("** Wazuh-Logtest: WARNING: ..."),
// then the phases; an answer without "output" shows its messages only.
std::string format_logtest_phases(const boost::json::object& data);

}  // namespace herald::cli
