from engine.integrations.crossguard import policy_pack

policy_pack("costwarden", region="us-east-1")  # the bundled pack; or policies=["policies/"]
