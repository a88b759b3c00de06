"""Bank transfers of cash grants: the returnee's account, pain.001 exports, camt statements."""
