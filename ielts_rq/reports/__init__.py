"""Analytics and reports: figures from the stored records, weekly reports and their charts."""
