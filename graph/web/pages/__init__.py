"""The pages for people: home, search, themes, records (resources, organisations, people, usages), the usage
network, the named queries and their workbench, governance."""
