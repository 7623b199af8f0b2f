"""Security measures that span the portal: login lock-out, API tokens, response headers, second factor."""
