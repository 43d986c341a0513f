#include "api/management_routes.h"

#include "api/agents_api.h"
#include "api/command_manager_api.h"
#include "api/groups_api.h"
#include "api/logtest_api.h"
#include "api/management_auth.h"
#include "api/observability_api.h"
#include "api/alerts_api.h"
#include "api/orders_api.h"
#include "api/ruleset_api.h"
#include "api/server_orders_api.h"

namespace herald::api {

void register_management_routes(http::Router& router, ApiContext& context) {
  register_observability_routes(router, context);
  register_login_routes(router, context);
  register_agent_routes(router, context);
  register_group_routes(router, context);
  register_command_manager_routes(router, context);
  register_order_routes(router, context);
  register_server_order_routes(router, context);
  register_logtest_routes(router, context);
  register_ruleset_routes(router, context);
  register_alert_routes(router, context);
}

}  // namespace herald::api
