/**
 * How S3 Object Lock protects the audit log files during the retention period.
 */
export enum AuditObjectLockMode {
  /**
   * No one, not even the account root user, can overwrite or delete a log file version or shorten
   * its retention until the retention period ends. The right choice for production evidence: the
   * trade-off is that a mistaken retention (too long) cannot be undone and storage is paid for
   * until it ends.
   */
  COMPLIANCE = 'COMPLIANCE',
  /**
   * Principals with `s3:BypassGovernanceRetention` (and the `x-amz-bypass-governance-retention`
   * header) can delete log file versions or shorten their retention. Use it only for
   * non-production accounts that must be torn down: the logs are then only as tamper-evident as
   * the IAM policies that withhold the bypass permission.
   */
  GOVERNANCE = 'GOVERNANCE',
}
