#include "bus/nats/stream_setup.h"

#include <algorithm>
#include <memory>

namespace herald::bus {

namespace {

using StreamInfo = std::unique_ptr<jsStreamInfo, decltype(&jsStreamInfo_Destroy)>;

std::int64_t nanoseconds(std::chrono::seconds value) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(value).count();
}

// libnats keeps the detailed reason (e.g. "subjects overlap with an existing stream") in a
// thread-local last error; the status text alone says little.
std::string failure(const std::string& what, natsStatus status) {
  const char* detail = nats_GetLastError(nullptr);
  std::string reason = (detail != nullptr && *detail != '\0') ? detail : natsStatus_GetText(status);
  return what + ": " + reason;
}

std::vector<std::string> sorted(std::vector<std::string> subjects) {
  std::sort(subjects.begin(), subjects.end());
  return subjects;
}

bool matches_spec(const jsStreamConfig& config, const StreamSpec& spec) {
  std::vector<std::string> current(config.Subjects, config.Subjects + config.SubjectsLen);
  return sorted(std::move(current)) == sorted(spec.subjects) && config.MaxAge == nanoseconds(spec.max_age) &&
         config.Duplicates == nanoseconds(spec.duplicate_window) && config.MaxBytes == spec.max_bytes;
}

}  // namespace

core::Result<StreamSetup> ensure_stream(jsCtx* jetstream, const StreamSpec& spec) {
  std::vector<const char*> subjects;
  for (const auto& subject : spec.subjects) subjects.push_back(subject.c_str());
  jsStreamConfig config;
  jsStreamConfig_Init(&config);
  config.Name = spec.name.c_str();
  config.Subjects = subjects.data();
  config.SubjectsLen = static_cast<int>(subjects.size());
  config.Storage = js_FileStorage;
  config.Retention = js_LimitsPolicy;
  config.MaxAge = nanoseconds(spec.max_age);
  config.Duplicates = nanoseconds(spec.duplicate_window);
  config.MaxBytes = spec.max_bytes;

  jsStreamInfo* raw_info = nullptr;
  jsErrCode error_code = static_cast<jsErrCode>(0);
  natsStatus status = js_GetStreamInfo(&raw_info, jetstream, spec.name.c_str(), nullptr, &error_code);
  StreamInfo info(raw_info, &jsStreamInfo_Destroy);
  if (status == NATS_NOT_FOUND || error_code == JSStreamNotFoundErr) {
    status = js_AddStream(nullptr, jetstream, &config, nullptr, &error_code);
    if (status != NATS_OK) return core::unavailable(failure("creating stream " + spec.name, status));
    return StreamSetup::created;
  }
  if (status != NATS_OK) return core::unavailable(failure("looking up stream " + spec.name, status));
  if (info->Config != nullptr && matches_spec(*info->Config, spec)) return StreamSetup::unchanged;
  // Keep what an operator may have tuned by hand (storage, replicas, limits); change only what
  // Herald owns.
  jsStreamConfig updated = info->Config != nullptr ? *info->Config : config;
  updated.Subjects = config.Subjects;
  updated.SubjectsLen = config.SubjectsLen;
  updated.MaxAge = config.MaxAge;
  updated.Duplicates = config.Duplicates;
  updated.MaxBytes = config.MaxBytes;
  status = js_UpdateStream(nullptr, jetstream, &updated, nullptr, &error_code);
  if (status != NATS_OK) return core::unavailable(failure("updating stream " + spec.name, status));
  return StreamSetup::updated;
}

}  // namespace herald::bus
