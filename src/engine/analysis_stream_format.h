#pragma once
// The wire form of one analysis input on the analysis stream (README "Scale-out"): a JSON object
//   {"v":1,"kind":"message"|"stateless_body","agent_id":..,"agent_name":..,"agent_ip":..,
//    "queue":"1","location":..,"message":..}
// and the partition an agent's inputs go to. Pure functions: no I/O, no NATS.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "engine/analysis_service.h"

namespace herald::engine {

std::string encode_analysis_input(const AnalysisInput& input);
// Anything but an object of the form above (bad JSON, a missing or mistyped field, an empty
// agent id, a queue that is not one character, an unknown kind or version) is an
// invalid_argument error that says what is wrong; never throws.
core::Result<AnalysisInput> decode_analysis_input(std::string_view data);

// A stable hash of the agent id (FNV-1a, the same on every node and every build) modulo
// `partitions`, so that one agent's inputs always travel in one partition, in order.
// REQUIRES: partitions > 0.
std::uint32_t analysis_partition(std::string_view agent_id, std::uint32_t partitions);
// "analysis.<partition>", relative to the bus prefix.
std::string analysis_subject(std::uint32_t partition);

}  // namespace herald::engine
