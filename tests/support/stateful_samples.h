#pragma once
// Sample stateful-events input shared by the parser and sink tests: the agent metadata line of
// the wire-protocol c4 example.
#include <string>

namespace herald::test {

inline const std::string kAgentMetadataLine =
    R"({"agent":{"groups":["g1"],"host":{"architecture":"x86_64","hostname":"web1","ip":["10.0.0.5"],)"
    R"("os":{"name":"Ubuntu","type":"Linux","version":"24.04"}},"id":"d5b250c4-dfa1-4d94-827f-9f99210dbe6c",)"
    R"("name":"web1","type":"Endpoint","version":"6.0.0"}})";

}  // namespace herald::test
