#include "http/error_response.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace herald::http {

Response default_error_response(unsigned status, std::string_view detail) {
  const boost::json::object body{{"message", detail}, {"code", status}};
  Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = boost::json::serialize(body);
  return response;
}

}  // namespace herald::http
