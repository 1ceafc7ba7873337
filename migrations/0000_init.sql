CREATE TABLE `secrets` (
	`id` text PRIMARY KEY NOT NULL,
	`ciphertext` text,
	`delete_token_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`max_views` integer,
	`views` integer DEFAULT 0 NOT NULL,
	`burned_at` integer
);
--> statement-breakpoint
CREATE INDEX `secrets_expires_at_idx` ON `secrets` (`expires_at`);--> statement-breakpoint
CREATE INDEX `secrets_burned_at_idx` ON `secrets` (`burned_at`);