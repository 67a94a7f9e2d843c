export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  // Allows to automatically instantiate createClient with right options
  // instead of createClient<Database, { PostgrestVersion: 'XX' }>(URL, KEY)
  __InternalSupabase: {
    PostgrestVersion: "12"
  }
  public: {
    Tables: {
      annotations: {
        Row: {
          book_id: string
          change_seq: number
          color: string
          created_at: string
          deleted_at: string | null
          device_id: string
          device_updated_at: string
          id: string
          kind: Database["public"]["Enums"]["annotation_kind"]
          locator: NonNullable<Json>
          note: string | null
          selected_text: string | null
          updated_at: string
          user_id: string
        }
        Insert: {
          book_id: string
          change_seq: number
          color?: string
          created_at?: string
          deleted_at?: string | null
          device_id: string
          device_updated_at?: string
          id: string
          kind: Database["public"]["Enums"]["annotation_kind"]
          locator: NonNullable<Json>
          note?: string | null
          selected_text?: string | null
          updated_at?: string
          user_id?: string
        }
        Update: {
          book_id?: string
          change_seq?: number
          color?: string
          created_at?: string
          deleted_at?: string | null
          device_id?: string
          device_updated_at?: string
          id?: string
          kind?: Database["public"]["Enums"]["annotation_kind"]
          locator?: NonNullable<Json>
          note?: string | null
          selected_text?: string | null
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "annotations_book_id_fkey"
            columns: ["book_id"]
            isOneToOne: false
            referencedRelation: "books"
            referencedColumns: ["id"]
          },
        ]
      }
      audit_logs: {
        Row: {
          action: string
          actor_id: string | null
          created_at: string
          id: string
          ip_address: unknown
          new_values: Json | null
          old_values: Json | null
          resource_id: string | null
          resource_type: string
          user_agent: string | null
        }
        Insert: {
          action: string
          actor_id?: string | null
          created_at?: string
          id?: string
          ip_address?: unknown
          new_values?: Json | null
          old_values?: Json | null
          resource_id?: string | null
          resource_type: string
          user_agent?: string | null
        }
        Update: {
          action?: string
          actor_id?: string | null
          created_at?: string
          id?: string
          ip_address?: unknown
          new_values?: Json | null
          old_values?: Json | null
          resource_id?: string | null
          resource_type?: string
          user_agent?: string | null
        }
        Relationships: []
      }
      authors: {
        Row: {
          biography: string | null
          created_at: string
          id: string
          name: string
          photo_path: string | null
          slug: string
          updated_at: string
        }
        Insert: {
          biography?: string | null
          created_at?: string
          id?: string
          name: string
          photo_path?: string | null
          slug: string
          updated_at?: string
        }
        Update: {
          biography?: string | null
          created_at?: string
          id?: string
          name?: string
          photo_path?: string | null
          slug?: string
          updated_at?: string
        }
        Relationships: []
      }
      badge_awards: {
        Row: {
          awarded_at: string
          badge_id: string
          user_id: string
        }
        Insert: {
          awarded_at?: string
          badge_id: string
          user_id: string
        }
        Update: {
          awarded_at?: string
          badge_id?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "badge_awards_badge_id_fkey"
            columns: ["badge_id"]
            isOneToOne: false
            referencedRelation: "badges"
            referencedColumns: ["id"]
          },
        ]
      }
      badges: {
        Row: {
          created_at: string
          criteria: NonNullable<Json>
          description_en: string
          description_fr: string
          icon_path: string | null
          id: string
          is_active: boolean
          name_en: string
          name_fr: string
          points: number
          slug: string
        }
        Insert: {
          created_at?: string
          criteria: NonNullable<Json>
          description_en: string
          description_fr: string
          icon_path?: string | null
          id?: string
          is_active?: boolean
          name_en: string
          name_fr: string
          points?: number
          slug: string
        }
        Update: {
          created_at?: string
          criteria?: NonNullable<Json>
          description_en?: string
          description_fr?: string
          icon_path?: string | null
          id?: string
          is_active?: boolean
          name_en?: string
          name_fr?: string
          points?: number
          slug?: string
        }
        Relationships: []
      }
      book_authors: {
        Row: {
          author_id: string
          book_id: string
          position: number
        }
        Insert: {
          author_id: string
          book_id: string
          position?: number
        }
        Update: {
          author_id?: string
          book_id?: string
          position?: number
        }
        Relationships: [
          {
            foreignKeyName: "book_authors_author_id_fkey"
            columns: ["author_id"]
            isOneToOne: false
            referencedRelation: "authors"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "book_authors_book_id_fkey"
            columns: ["book_id"]
            isOneToOne: false
            referencedRelation: "books"
            referencedColumns: ["id"]
          },
        ]
      }
      book_categories: {
        Row: {
          book_id: string
          category_id: string
          position: number
        }
        Insert: {
          book_id: string
          category_id: string
          position?: number
        }
        Update: {
          book_id?: string
          category_id?: string
          position?: number
        }
        Relationships: [
          {
            foreignKeyName: "book_categories_book_id_fkey"
            columns: ["book_id"]
            isOneToOne: false
            referencedRelation: "books"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "book_categories_category_id_fkey"
            columns: ["category_id"]
            isOneToOne: false
            referencedRelation: "categories"
            referencedColumns: ["id"]
          },
        ]
      }
      book_uploads: {
        Row: {
          attempts: number
          book_id: string | null
          content_type: string
          created_at: string
          created_by: string | null
          error_code: string | null
          error_message: string | null
          filename: string
          id: string
          processed_at: string | null
          received: number
          sha256: string | null
          size: number
          status: Database["public"]["Enums"]["upload_status"]
          storage_path: string
          updated_at: string
        }
        Insert: {
          attempts?: number
          book_id?: string | null
          content_type: string
          created_at?: string
          created_by?: string | null
          error_code?: string | null
          error_message?: string | null
          filename: string
          id?: string
          processed_at?: string | null
          received?: number
          sha256?: string | null
          size: number
          status?: Database["public"]["Enums"]["upload_status"]
          storage_path: string
          updated_at?: string
        }
        Update: {
          attempts?: number
          book_id?: string | null
          content_type?: string
          created_at?: string
          created_by?: string | null
          error_code?: string | null
          error_message?: string | null
          filename?: string
          id?: string
          processed_at?: string | null
          received?: number
          sha256?: string | null
          size?: number
          status?: Database["public"]["Enums"]["upload_status"]
          storage_path?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "book_uploads_book_id_fkey"
            columns: ["book_id"]
            isOneToOne: false
            referencedRelation: "books"
            referencedColumns: ["id"]
          },
        ]
      }
      books: {
        Row: {
          available_countries: string[]
          country_restriction: string[] | null
          cover_path: string | null
          created_at: string
          currency: string
          description: string | null
          facet_category_ids: string[]
          file_path: string | null
          file_size: number | null
          format: Database["public"]["Enums"]["book_format"] | null
          id: string
          is_featured: boolean
          is_free: boolean
          is_published: boolean
          isbn: string | null
          language: string
          list_authors: NonNullable<Json>
          metadata: NonNullable<Json>
          page_count: number | null
          price: number
          publication_date: string | null
          published_at: string | null
          publisher_id: string | null
          rating_average: number | null
          rating_count: number
          rating_histogram: number[]
          search_vector: unknown
          status: Database["public"]["Enums"]["book_status"]
          subtitle: string | null
          title: string
          title_search: string
          updated_at: string
        }
        Insert: {
          available_countries?: string[]
          country_restriction?: never
          cover_path?: string | null
          created_at?: string
          currency?: string
          description?: string | null
          facet_category_ids?: string[]
          file_path?: string | null
          file_size?: number | null
          format?: Database["public"]["Enums"]["book_format"] | null
          id?: string
          is_featured?: boolean
          is_free?: boolean
          is_published?: never
          isbn?: string | null
          language?: string
          list_authors?: NonNullable<Json>
          metadata?: NonNullable<Json>
          page_count?: number | null
          price?: number
          publication_date?: string | null
          published_at?: string | null
          publisher_id?: string | null
          rating_average?: number | null
          rating_count?: number
          rating_histogram?: number[]
          search_vector?: unknown
          status?: Database["public"]["Enums"]["book_status"]
          subtitle?: string | null
          title: string
          title_search?: never
          updated_at?: string
        }
        Update: {
          available_countries?: string[]
          country_restriction?: never
          cover_path?: string | null
          created_at?: string
          currency?: string
          description?: string | null
          facet_category_ids?: string[]
          file_path?: string | null
          file_size?: number | null
          format?: Database["public"]["Enums"]["book_format"] | null
          id?: string
          is_featured?: boolean
          is_free?: boolean
          is_published?: never
          isbn?: string | null
          language?: string
          list_authors?: NonNullable<Json>
          metadata?: NonNullable<Json>
          page_count?: number | null
          price?: number
          publication_date?: string | null
          published_at?: string | null
          publisher_id?: string | null
          rating_average?: number | null
          rating_count?: number
          rating_histogram?: number[]
          search_vector?: unknown
          status?: Database["public"]["Enums"]["book_status"]
          subtitle?: string | null
          title?: string
          title_search?: never
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "books_publisher_id_fkey"
            columns: ["publisher_id"]
            isOneToOne: false
            referencedRelation: "publishers"
            referencedColumns: ["id"]
          },
        ]
      }
      categories: {
        Row: {
          created_at: string
          description: string | null
          id: string
          name: string
          parent_id: string | null
          position: number
          slug: string
          updated_at: string
        }
        Insert: {
          created_at?: string
          description?: string | null
          id?: string
          name: string
          parent_id?: string | null
          position?: number
          slug: string
          updated_at?: string
        }
        Update: {
          created_at?: string
          description?: string | null
          id?: string
          name?: string
          parent_id?: string | null
          position?: number
          slug?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "categories_parent_id_fkey"
            columns: ["parent_id"]
            isOneToOne: false
            referencedRelation: "categories"
            referencedColumns: ["id"]
          },
        ]
      }
      challenge_participants: {
        Row: {
          challenge_id: string
          completed_at: string | null
          joined_at: string
          progress: number
          user_id: string
        }
        Insert: {
          challenge_id: string
          completed_at?: string | null
          joined_at?: string
          progress?: number
          user_id?: string
        }
        Update: {
          challenge_id?: string
          completed_at?: string | null
          joined_at?: string
          progress?: number
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "challenge_participants_challenge_id_fkey"
            columns: ["challenge_id"]
            isOneToOne: false
            referencedRelation: "challenges"
            referencedColumns: ["id"]
          },
        ]
      }
      challenges: {
        Row: {
          created_at: string
          ends_at: string
          goal: NonNullable<Json>
          id: string
          partner_id: string | null
          points: number
          slug: string
          starts_at: string
          title_en: string
          title_fr: string
        }
        Insert: {
          created_at?: string
          ends_at: string
          goal: NonNullable<Json>
          id?: string
          partner_id?: string | null
          points?: number
          slug: string
          starts_at: string
          title_en: string
          title_fr: string
        }
        Update: {
          created_at?: string
          ends_at?: string
          goal?: NonNullable<Json>
          id?: string
          partner_id?: string | null
          points?: number
          slug?: string
          starts_at?: string
          title_en?: string
          title_fr?: string
        }
        Relationships: []
      }
      community_reports: {
        Row: {
          created_at: string
          id: string
          note: string | null
          reason: Database["public"]["Enums"]["report_reason"]
          reporter_id: string
          resolved_at: string | null
          resolved_by: string | null
          status: Database["public"]["Enums"]["report_status"]
          target_id: string
          target_type: string
        }
        Insert: {
          created_at?: string
          id?: string
          note?: string | null
          reason: Database["public"]["Enums"]["report_reason"]
          reporter_id?: string
          resolved_at?: string | null
          resolved_by?: string | null
          status?: Database["public"]["Enums"]["report_status"]
          target_id: string
          target_type: string
        }
        Update: {
          created_at?: string
          id?: string
          note?: string | null
          reason?: Database["public"]["Enums"]["report_reason"]
          reporter_id?: string
          resolved_at?: string | null
          resolved_by?: string | null
          status?: Database["public"]["Enums"]["report_status"]
          target_id?: string
          target_type?: string
        }
        Relationships: []
      }
      community_suspensions: {
        Row: {
          created_at: string
          created_by: string | null
          ends_at: string | null
          id: string
          lifted_at: string | null
          lifted_by: string | null
          reason: string
          starts_at: string
          user_id: string
        }
        Insert: {
          created_at?: string
          created_by?: string | null
          ends_at?: string | null
          id?: string
          lifted_at?: string | null
          lifted_by?: string | null
          reason: string
          starts_at?: string
          user_id: string
        }
        Update: {
          created_at?: string
          created_by?: string | null
          ends_at?: string | null
          id?: string
          lifted_at?: string | null
          lifted_by?: string | null
          reason?: string
          starts_at?: string
          user_id?: string
        }
        Relationships: []
      }
      consents: {
        Row: {
          created_at: string
          granted: boolean
          id: number
          kind: Database["public"]["Enums"]["consent_kind"]
          user_id: string
        }
        Insert: {
          created_at?: string
          granted: boolean
          id?: never
          kind: Database["public"]["Enums"]["consent_kind"]
          user_id?: string
        }
        Update: {
          created_at?: string
          granted?: boolean
          id?: never
          kind?: Database["public"]["Enums"]["consent_kind"]
          user_id?: string
        }
        Relationships: []
      }
      discussion_posts: {
        Row: {
          body: string | null
          created_at: string
          deleted_at: string | null
          depth: number
          edited_at: string | null
          hidden_at: string | null
          hidden_reason: string | null
          id: string
          mentions: string[]
          parent_id: string | null
          thread_id: string
          updated_at: string
          user_id: string | null
        }
        Insert: {
          body?: string | null
          created_at?: string
          deleted_at?: string | null
          depth?: number
          edited_at?: string | null
          hidden_at?: string | null
          hidden_reason?: string | null
          id?: string
          mentions?: string[]
          parent_id?: string | null
          thread_id: string
          updated_at?: string
          user_id?: string | null
        }
        Update: {
          body?: string | null
          created_at?: string
          deleted_at?: string | null
          depth?: number
          edited_at?: string | null
          hidden_at?: string | null
          hidden_reason?: string | null
          id?: string
          mentions?: string[]
          parent_id?: string | null
          thread_id?: string
          updated_at?: string
          user_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "discussion_posts_parent_id_fkey"
            columns: ["parent_id"]
            isOneToOne: false
            referencedRelation: "discussion_posts"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "discussion_posts_thread_id_fkey"
            columns: ["thread_id"]
            isOneToOne: false
            referencedRelation: "discussion_threads"
            referencedColumns: ["id"]
          },
        ]
      }
      discussion_threads: {
        Row: {
          body: string | null
          book_id: string | null
          created_at: string
          deleted_at: string | null
          edited_at: string | null
          group_id: string | null
          hidden_at: string | null
          hidden_reason: string | null
          id: string
          last_posted_at: string
          reply_count: number
          tags: string[]
          title: string | null
          updated_at: string
          user_id: string | null
        }
        Insert: {
          body?: string | null
          book_id?: string | null
          created_at?: string
          deleted_at?: string | null
          edited_at?: string | null
          group_id?: string | null
          hidden_at?: string | null
          hidden_reason?: string | null
          id?: string
          last_posted_at?: string
          reply_count?: number
          tags?: string[]
          title?: string | null
          updated_at?: string
          user_id?: string | null
        }
        Update: {
          body?: string | null
          book_id?: string | null
          created_at?: string
          deleted_at?: string | null
          edited_at?: string | null
          group_id?: string | null
          hidden_at?: string | null
          hidden_reason?: string | null
          id?: string
          last_posted_at?: string
          reply_count?: number
          tags?: string[]
          title?: string | null
          updated_at?: string
          user_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "discussion_threads_book_id_fkey"
            columns: ["book_id"]
            isOneToOne: false
            referencedRelation: "books"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "discussion_threads_group_id_fkey"
            columns: ["group_id"]
            isOneToOne: false
            referencedRelation: "reading_groups"
            referencedColumns: ["id"]
          },
        ]
      }
      entitlements: {
        Row: {
          book_id: string | null
          created_at: string
          id: string
          order_id: string | null
          plan_id: string | null
          revoke_reason: string | null
          revoked_at: string | null
          subscription_id: string | null
          user_id: string
          valid_from: string
          valid_until: string | null
        }
        Insert: {
          book_id?: string | null
          created_at?: string
          id?: string
          order_id?: string | null
          plan_id?: string | null
          revoke_reason?: string | null
          revoked_at?: string | null
          subscription_id?: string | null
          user_id: string
          valid_from: string
          valid_until?: string | null
        }
        Update: {
          book_id?: string | null
          created_at?: string
          id?: string
          order_id?: string | null
          plan_id?: string | null
          revoke_reason?: string | null
          revoked_at?: string | null
          subscription_id?: string | null
          user_id?: string
          valid_from?: string
          valid_until?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "entitlements_book_id_fkey"
            columns: ["book_id"]
            isOneToOne: false
            referencedRelation: "books"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "entitlements_order_id_fkey"
            columns: ["order_id"]
            isOneToOne: true
            referencedRelation: "orders"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "entitlements_plan_id_fkey"
            columns: ["plan_id"]
            isOneToOne: false
            referencedRelation: "plans"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "entitlements_subscription_id_fkey"
            columns: ["subscription_id"]
            isOneToOne: false
            referencedRelation: "subscriptions"
            referencedColumns: ["id"]
          },
        ]
      }
      group_invitations: {
        Row: {
          created_at: string
          group_id: string
          id: string
          invited_by: string | null
          responded_at: string | null
          status: Database["public"]["Enums"]["group_invitation_status"]
          user_id: string
        }
        Insert: {
          created_at?: string
          group_id: string
          id?: string
          invited_by?: string | null
          responded_at?: string | null
          status?: Database["public"]["Enums"]["group_invitation_status"]
          user_id: string
        }
        Update: {
          created_at?: string
          group_id?: string
          id?: string
          invited_by?: string | null
          responded_at?: string | null
          status?: Database["public"]["Enums"]["group_invitation_status"]
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "group_invitations_group_id_fkey"
            columns: ["group_id"]
            isOneToOne: false
            referencedRelation: "reading_groups"
            referencedColumns: ["id"]
          },
        ]
      }
      group_join_requests: {
        Row: {
          created_at: string
          decided_at: string | null
          decided_by: string | null
          group_id: string
          id: string
          message: string | null
          status: Database["public"]["Enums"]["group_join_request_status"]
          user_id: string
        }
        Insert: {
          created_at?: string
          decided_at?: string | null
          decided_by?: string | null
          group_id: string
          id?: string
          message?: string | null
          status?: Database["public"]["Enums"]["group_join_request_status"]
          user_id?: string
        }
        Update: {
          created_at?: string
          decided_at?: string | null
          decided_by?: string | null
          group_id?: string
          id?: string
          message?: string | null
          status?: Database["public"]["Enums"]["group_join_request_status"]
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "group_join_requests_group_id_fkey"
            columns: ["group_id"]
            isOneToOne: false
            referencedRelation: "reading_groups"
            referencedColumns: ["id"]
          },
        ]
      }
      group_members: {
        Row: {
          group_id: string
          joined_at: string
          role: Database["public"]["Enums"]["group_role"]
          share_progress: boolean
          user_id: string
        }
        Insert: {
          group_id: string
          joined_at?: string
          role?: Database["public"]["Enums"]["group_role"]
          share_progress?: boolean
          user_id?: string
        }
        Update: {
          group_id?: string
          joined_at?: string
          role?: Database["public"]["Enums"]["group_role"]
          share_progress?: boolean
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "group_members_group_id_fkey"
            columns: ["group_id"]
            isOneToOne: false
            referencedRelation: "reading_groups"
            referencedColumns: ["id"]
          },
        ]
      }
      leaderboard_entries: {
        Row: {
          board: string
          period_start: string
          points: number
          rank: number
          reached_at: string
          scope: string
          user_id: string
        }
        Insert: {
          board: string
          period_start: string
          points: number
          rank: number
          reached_at: string
          scope: string
          user_id: string
        }
        Update: {
          board?: string
          period_start?: string
          points?: number
          rank?: number
          reached_at?: string
          scope?: string
          user_id?: string
        }
        Relationships: []
      }
      levels: {
        Row: {
          level: number
          min_points: number
          name: string
          name_en: string
        }
        Insert: {
          level: number
          min_points: number
          name: string
          name_en: string
        }
        Update: {
          level?: number
          min_points?: number
          name?: string
          name_en?: string
        }
        Relationships: []
      }
      moderation_actions: {
        Row: {
          action: Database["public"]["Enums"]["moderation_action"]
          created_at: string
          id: string
          moderator_id: string | null
          partner_id: string | null
          reason: string | null
          suspension_id: string | null
          target_id: string | null
          target_type: string | null
          target_user_id: string | null
        }
        Insert: {
          action: Database["public"]["Enums"]["moderation_action"]
          created_at?: string
          id?: string
          moderator_id?: string | null
          partner_id?: string | null
          reason?: string | null
          suspension_id?: string | null
          target_id?: string | null
          target_type?: string | null
          target_user_id?: string | null
        }
        Update: {
          action?: Database["public"]["Enums"]["moderation_action"]
          created_at?: string
          id?: string
          moderator_id?: string | null
          partner_id?: string | null
          reason?: string | null
          suspension_id?: string | null
          target_id?: string | null
          target_type?: string | null
          target_user_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "moderation_actions_suspension_id_fkey"
            columns: ["suspension_id"]
            isOneToOne: false
            referencedRelation: "community_suspensions"
            referencedColumns: ["id"]
          },
        ]
      }
      notifications: {
        Row: {
          body: string
          created_at: string
          data: NonNullable<Json>
          event_id: number | null
          id: string
          in_app: boolean
          kind: string
          read_at: string | null
          title: string
          user_id: string
        }
        Insert: {
          body: string
          created_at?: string
          data?: NonNullable<Json>
          event_id?: number | null
          id?: string
          in_app?: boolean
          kind: string
          read_at?: string | null
          title: string
          user_id: string
        }
        Update: {
          body?: string
          created_at?: string
          data?: NonNullable<Json>
          event_id?: number | null
          id?: string
          in_app?: boolean
          kind?: string
          read_at?: string | null
          title?: string
          user_id?: string
        }
        Relationships: []
      }
      orders: {
        Row: {
          amount: number
          book_id: string | null
          checkout_url: string | null
          country: string | null
          created_at: string
          currency: string
          expires_at: string | null
          failure_reason: string | null
          id: string
          idempotency_key: string | null
          paid_at: string | null
          partner_id: string | null
          plan_id: string | null
          provider: Database["public"]["Enums"]["payment_provider"]
          provider_reference: string | null
          refunded_at: string | null
          return_url: string | null
          status: Database["public"]["Enums"]["order_status"]
          updated_at: string
          user_id: string
        }
        Insert: {
          amount: number
          book_id?: string | null
          checkout_url?: string | null
          country?: string | null
          created_at?: string
          currency: string
          expires_at?: string | null
          failure_reason?: string | null
          id?: string
          idempotency_key?: string | null
          paid_at?: string | null
          partner_id?: string | null
          plan_id?: string | null
          provider: Database["public"]["Enums"]["payment_provider"]
          provider_reference?: string | null
          refunded_at?: string | null
          return_url?: string | null
          status?: Database["public"]["Enums"]["order_status"]
          updated_at?: string
          user_id: string
        }
        Update: {
          amount?: number
          book_id?: string | null
          checkout_url?: string | null
          country?: string | null
          created_at?: string
          currency?: string
          expires_at?: string | null
          failure_reason?: string | null
          id?: string
          idempotency_key?: string | null
          paid_at?: string | null
          partner_id?: string | null
          plan_id?: string | null
          provider?: Database["public"]["Enums"]["payment_provider"]
          provider_reference?: string | null
          refunded_at?: string | null
          return_url?: string | null
          status?: Database["public"]["Enums"]["order_status"]
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "orders_book_id_fkey"
            columns: ["book_id"]
            isOneToOne: false
            referencedRelation: "books"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "orders_plan_id_fkey"
            columns: ["plan_id"]
            isOneToOne: false
            referencedRelation: "plans"
            referencedColumns: ["id"]
          },
        ]
      }
      payment_events: {
        Row: {
          error: string | null
          event_id: string
          id: string
          order_id: string | null
          payload: NonNullable<Json>
          processed_at: string | null
          provider: Database["public"]["Enums"]["payment_provider"]
          received_at: string
          status: Database["public"]["Enums"]["order_status"] | null
          type: string
        }
        Insert: {
          error?: string | null
          event_id: string
          id?: string
          order_id?: string | null
          payload: NonNullable<Json>
          processed_at?: string | null
          provider: Database["public"]["Enums"]["payment_provider"]
          received_at?: string
          status?: Database["public"]["Enums"]["order_status"] | null
          type: string
        }
        Update: {
          error?: string | null
          event_id?: string
          id?: string
          order_id?: string | null
          payload?: NonNullable<Json>
          processed_at?: string | null
          provider?: Database["public"]["Enums"]["payment_provider"]
          received_at?: string
          status?: Database["public"]["Enums"]["order_status"] | null
          type?: string
        }
        Relationships: [
          {
            foreignKeyName: "payment_events_order_id_fkey"
            columns: ["order_id"]
            isOneToOne: false
            referencedRelation: "orders"
            referencedColumns: ["id"]
          },
        ]
      }
      plan_prices: {
        Row: {
          amount: number
          currency: string
          plan_id: string
        }
        Insert: {
          amount: number
          currency: string
          plan_id: string
        }
        Update: {
          amount?: number
          currency?: string
          plan_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "plan_prices_plan_id_fkey"
            columns: ["plan_id"]
            isOneToOne: false
            referencedRelation: "plans"
            referencedColumns: ["id"]
          },
        ]
      }
      plans: {
        Row: {
          category_ids: string[]
          created_at: string
          description: string | null
          id: string
          interval: Database["public"]["Enums"]["plan_interval"]
          is_active: boolean
          name: string
          partner_id: string | null
          slug: string
          updated_at: string
        }
        Insert: {
          category_ids?: string[]
          created_at?: string
          description?: string | null
          id?: string
          interval: Database["public"]["Enums"]["plan_interval"]
          is_active?: boolean
          name: string
          partner_id?: string | null
          slug: string
          updated_at?: string
        }
        Update: {
          category_ids?: string[]
          created_at?: string
          description?: string | null
          id?: string
          interval?: Database["public"]["Enums"]["plan_interval"]
          is_active?: boolean
          name?: string
          partner_id?: string | null
          slug?: string
          updated_at?: string
        }
        Relationships: []
      }
      point_rules: {
        Row: {
          daily_cap: number | null
          description: string
          event_kind: string
          id: number
          is_active: boolean
          points: number
          updated_at: string
        }
        Insert: {
          daily_cap?: number | null
          description: string
          event_kind: string
          id?: never
          is_active?: boolean
          points: number
          updated_at?: string
        }
        Update: {
          daily_cap?: number | null
          description?: string
          event_kind?: string
          id?: never
          is_active?: boolean
          points?: number
          updated_at?: string
        }
        Relationships: []
      }
      points_ledger: {
        Row: {
          badge_id: string | null
          challenge_id: string | null
          created_at: string
          event_id: number | null
          id: number
          points: number
          reason: string
          rule_id: number | null
          source_key: string
          user_id: string
        }
        Insert: {
          badge_id?: string | null
          challenge_id?: string | null
          created_at?: string
          event_id?: number | null
          id?: never
          points: number
          reason: string
          rule_id?: number | null
          source_key: string
          user_id: string
        }
        Update: {
          badge_id?: string | null
          challenge_id?: string | null
          created_at?: string
          event_id?: number | null
          id?: never
          points?: number
          reason?: string
          rule_id?: number | null
          source_key?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "points_ledger_badge_id_fkey"
            columns: ["badge_id"]
            isOneToOne: false
            referencedRelation: "badges"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "points_ledger_challenge_id_fkey"
            columns: ["challenge_id"]
            isOneToOne: false
            referencedRelation: "challenges"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "points_ledger_rule_id_fkey"
            columns: ["rule_id"]
            isOneToOne: false
            referencedRelation: "point_rules"
            referencedColumns: ["id"]
          },
        ]
      }
      profiles: {
        Row: {
          avatar_path: string | null
          country: string | null
          created_at: string
          deleted_at: string | null
          display_name: string | null
          id: string
          language: string
          partner_id: string | null
          preferences: NonNullable<Json>
          updated_at: string
        }
        Insert: {
          avatar_path?: string | null
          country?: string | null
          created_at?: string
          deleted_at?: string | null
          display_name?: string | null
          id: string
          language?: string
          partner_id?: string | null
          preferences?: NonNullable<Json>
          updated_at?: string
        }
        Update: {
          avatar_path?: string | null
          country?: string | null
          created_at?: string
          deleted_at?: string | null
          display_name?: string | null
          id?: string
          language?: string
          partner_id?: string | null
          preferences?: NonNullable<Json>
          updated_at?: string
        }
        Relationships: []
      }
      publishers: {
        Row: {
          created_at: string
          description: string | null
          id: string
          name: string
          slug: string
          updated_at: string
          website: string | null
        }
        Insert: {
          created_at?: string
          description?: string | null
          id?: string
          name: string
          slug: string
          updated_at?: string
          website?: string | null
        }
        Update: {
          created_at?: string
          description?: string | null
          id?: string
          name?: string
          slug?: string
          updated_at?: string
          website?: string | null
        }
        Relationships: []
      }
      push_devices: {
        Row: {
          created_at: string
          id: string
          last_seen_at: string
          platform: string
          token: string
          user_id: string
        }
        Insert: {
          created_at?: string
          id?: string
          last_seen_at?: string
          platform: string
          token: string
          user_id?: string
        }
        Update: {
          created_at?: string
          id?: string
          last_seen_at?: string
          platform?: string
          token?: string
          user_id?: string
        }
        Relationships: []
      }
      reader_scores: {
        Row: {
          current_streak: number
          last_reading_day: string | null
          level: number
          longest_streak: number
          points: number
          reached_at: string
          updated_at: string
          user_id: string
          week_start: string
          weekly_points: number
          weekly_reached_at: string
        }
        Insert: {
          current_streak?: number
          last_reading_day?: string | null
          level?: number
          longest_streak?: number
          points?: number
          reached_at?: string
          updated_at?: string
          user_id: string
          week_start: string
          weekly_points?: number
          weekly_reached_at?: string
        }
        Update: {
          current_streak?: number
          last_reading_day?: string | null
          level?: number
          longest_streak?: number
          points?: number
          reached_at?: string
          updated_at?: string
          user_id?: string
          week_start?: string
          weekly_points?: number
          weekly_reached_at?: string
        }
        Relationships: []
      }
      reading_groups: {
        Row: {
          created_at: string
          current_book_id: string | null
          description: string | null
          hidden_at: string | null
          hidden_reason: string | null
          id: string
          member_count: number
          member_limit: number
          name: string
          owner_id: string
          partner_id: string | null
          updated_at: string
          visibility: Database["public"]["Enums"]["group_visibility"]
        }
        Insert: {
          created_at?: string
          current_book_id?: string | null
          description?: string | null
          hidden_at?: string | null
          hidden_reason?: string | null
          id?: string
          member_count?: number
          member_limit?: number
          name: string
          owner_id?: string
          partner_id?: string | null
          updated_at?: string
          visibility?: Database["public"]["Enums"]["group_visibility"]
        }
        Update: {
          created_at?: string
          current_book_id?: string | null
          description?: string | null
          hidden_at?: string | null
          hidden_reason?: string | null
          id?: string
          member_count?: number
          member_limit?: number
          name?: string
          owner_id?: string
          partner_id?: string | null
          updated_at?: string
          visibility?: Database["public"]["Enums"]["group_visibility"]
        }
        Relationships: [
          {
            foreignKeyName: "reading_groups_current_book_id_fkey"
            columns: ["current_book_id"]
            isOneToOne: false
            referencedRelation: "books"
            referencedColumns: ["id"]
          },
        ]
      }
      reading_progress: {
        Row: {
          book_id: string
          change_seq: number
          created_at: string
          device_id: string
          device_updated_at: string
          finished_at: string | null
          locator: NonNullable<Json>
          percentage: number
          updated_at: string
          user_id: string
        }
        Insert: {
          book_id: string
          change_seq: number
          created_at?: string
          device_id: string
          device_updated_at?: string
          finished_at?: string | null
          locator: NonNullable<Json>
          percentage?: number
          updated_at?: string
          user_id?: string
        }
        Update: {
          book_id?: string
          change_seq?: number
          created_at?: string
          device_id?: string
          device_updated_at?: string
          finished_at?: string | null
          locator?: NonNullable<Json>
          percentage?: number
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "reading_progress_book_id_fkey"
            columns: ["book_id"]
            isOneToOne: false
            referencedRelation: "books"
            referencedColumns: ["id"]
          },
        ]
      }
      reading_sessions: {
        Row: {
          book_id: string
          change_seq: number
          created_at: string
          device_id: string
          device_type: Database["public"]["Enums"]["device_type"]
          end_progression: number | null
          ended_at: string | null
          id: string
          pages_read: number
          start_progression: number | null
          started_at: string
          updated_at: string
          user_id: string
        }
        Insert: {
          book_id: string
          change_seq: number
          created_at?: string
          device_id: string
          device_type?: Database["public"]["Enums"]["device_type"]
          end_progression?: number | null
          ended_at?: string | null
          id: string
          pages_read?: number
          start_progression?: number | null
          started_at: string
          updated_at?: string
          user_id?: string
        }
        Update: {
          book_id?: string
          change_seq?: number
          created_at?: string
          device_id?: string
          device_type?: Database["public"]["Enums"]["device_type"]
          end_progression?: number | null
          ended_at?: string | null
          id?: string
          pages_read?: number
          start_progression?: number | null
          started_at?: string
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "reading_sessions_book_id_fkey"
            columns: ["book_id"]
            isOneToOne: false
            referencedRelation: "books"
            referencedColumns: ["id"]
          },
        ]
      }
      receipts: {
        Row: {
          amount: number
          currency: string
          id: string
          issued_at: string
          language: string
          lines: NonNullable<Json>
          number: number
          order_id: string
          partner_id: string | null
          user_id: string
        }
        Insert: {
          amount: number
          currency: string
          id?: string
          issued_at: string
          language: string
          lines: NonNullable<Json>
          number: number
          order_id: string
          partner_id?: string | null
          user_id: string
        }
        Update: {
          amount?: number
          currency?: string
          id?: string
          issued_at?: string
          language?: string
          lines?: NonNullable<Json>
          number?: number
          order_id?: string
          partner_id?: string | null
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "receipts_order_id_fkey"
            columns: ["order_id"]
            isOneToOne: true
            referencedRelation: "orders"
            referencedColumns: ["id"]
          },
        ]
      }
      review_votes: {
        Row: {
          created_at: string
          review_id: string
          user_id: string
        }
        Insert: {
          created_at?: string
          review_id: string
          user_id?: string
        }
        Update: {
          created_at?: string
          review_id?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "review_votes_review_id_fkey"
            columns: ["review_id"]
            isOneToOne: false
            referencedRelation: "reviews"
            referencedColumns: ["id"]
          },
        ]
      }
      reviews: {
        Row: {
          body: string | null
          book_id: string
          created_at: string
          edited_at: string | null
          helpful_count: number
          hidden_at: string | null
          hidden_reason: string | null
          id: string
          is_verified_reader: boolean
          rating: number
          title: string | null
          updated_at: string
          user_id: string | null
        }
        Insert: {
          body?: string | null
          book_id: string
          created_at?: string
          edited_at?: string | null
          helpful_count?: number
          hidden_at?: string | null
          hidden_reason?: string | null
          id?: string
          is_verified_reader?: boolean
          rating: number
          title?: string | null
          updated_at?: string
          user_id?: string | null
        }
        Update: {
          body?: string | null
          book_id?: string
          created_at?: string
          edited_at?: string | null
          helpful_count?: number
          hidden_at?: string | null
          hidden_reason?: string | null
          id?: string
          is_verified_reader?: boolean
          rating?: number
          title?: string | null
          updated_at?: string
          user_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "reviews_book_id_fkey"
            columns: ["book_id"]
            isOneToOne: false
            referencedRelation: "books"
            referencedColumns: ["id"]
          },
        ]
      }
      role_permissions: {
        Row: {
          permission: string
          role: Database["public"]["Enums"]["app_role"]
        }
        Insert: {
          permission: string
          role: Database["public"]["Enums"]["app_role"]
        }
        Update: {
          permission?: string
          role?: Database["public"]["Enums"]["app_role"]
        }
        Relationships: []
      }
      share_links: {
        Row: {
          code: string
          created_at: string
          created_by: string
          excerpt: string | null
          id: string
          kind: Database["public"]["Enums"]["share_kind"]
          revoked_at: string | null
          target_id: string
        }
        Insert: {
          code?: string
          created_at?: string
          created_by?: string
          excerpt?: string | null
          id?: string
          kind: Database["public"]["Enums"]["share_kind"]
          revoked_at?: string | null
          target_id: string
        }
        Update: {
          code?: string
          created_at?: string
          created_by?: string
          excerpt?: string | null
          id?: string
          kind?: Database["public"]["Enums"]["share_kind"]
          revoked_at?: string | null
          target_id?: string
        }
        Relationships: []
      }
      subscriptions: {
        Row: {
          cancel_at_period_end: boolean
          canceled_at: string | null
          created_at: string
          current_period_end: string
          current_period_start: string
          id: string
          partner_id: string | null
          plan_id: string
          status: Database["public"]["Enums"]["subscription_status"]
          updated_at: string
          user_id: string
        }
        Insert: {
          cancel_at_period_end?: boolean
          canceled_at?: string | null
          created_at?: string
          current_period_end: string
          current_period_start: string
          id?: string
          partner_id?: string | null
          plan_id: string
          status?: Database["public"]["Enums"]["subscription_status"]
          updated_at?: string
          user_id: string
        }
        Update: {
          cancel_at_period_end?: boolean
          canceled_at?: string | null
          created_at?: string
          current_period_end?: string
          current_period_start?: string
          id?: string
          partner_id?: string | null
          plan_id?: string
          status?: Database["public"]["Enums"]["subscription_status"]
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "subscriptions_plan_id_fkey"
            columns: ["plan_id"]
            isOneToOne: false
            referencedRelation: "plans"
            referencedColumns: ["id"]
          },
        ]
      }
      user_roles: {
        Row: {
          created_at: string
          role: Database["public"]["Enums"]["app_role"]
          user_id: string
        }
        Insert: {
          created_at?: string
          role: Database["public"]["Enums"]["app_role"]
          user_id: string
        }
        Update: {
          created_at?: string
          role?: Database["public"]["Enums"]["app_role"]
          user_id?: string
        }
        Relationships: []
      }
    }
    Views: {
      current_consents: {
        Row: {
          created_at: string | null
          granted: boolean | null
          kind: Database["public"]["Enums"]["consent_kind"] | null
          user_id: string | null
        }
        Relationships: []
      }
      daily_readers: {
        Row: {
          day: string | null
          pages_read: number | null
          readers: number | null
          sessions: number | null
        }
        Relationships: []
      }
      sales_per_partner: {
        Row: {
          amount_paid: number | null
          amount_paid_30d: number | null
          amount_refunded: number | null
          currency: string | null
          last_paid_at: string | null
          orders_paid: number | null
          orders_refunded: number | null
          partner: string | null
          partner_id: string | null
        }
        Relationships: []
      }
      top_books: {
        Row: {
          book_id: string | null
          downloads_30d: number | null
          is_published: boolean | null
          readers_30d: number | null
          sales_30d: number | null
          title: string | null
        }
        Relationships: []
      }
    }
    Functions: {
      authorize: { Args: { permission: string }; Returns: boolean }
      can_read: { Args: { book_id: string }; Returns: boolean }
      custom_access_token_hook: { Args: { event: Json }; Returns: Json }
      get_public_profiles: {
        Args: { ids: string[] }
        Returns: {
          avatar_path: string
          display_name: string
          id: string
        }[]
      }
      group_progress: {
        Args: { group_id: string }
        Returns: {
          avatar_path: string
          display_name: string
          percentage: number
          updated_at: string
          user_id: string
        }[]
      }
      leaderboard: {
        Args: {
          board?: string
          limit?: number
          offset?: number
          scope?: string
        }
        Returns: {
          avatar_path: string
          display_name: string
          is_me: boolean
          points: number
          rank: number
          user_id: string
        }[]
      }
      moderate: {
        Args: {
          action: Database["public"]["Enums"]["moderation_action"]
          reason?: string
          suspend_until?: string
          target_id: string
          target_type: string
        }
        Returns: {
          action: Database["public"]["Enums"]["moderation_action"]
          created_at: string
          id: string
          moderator_id: string | null
          partner_id: string | null
          reason: string | null
          suspension_id: string | null
          target_id: string | null
          target_type: string | null
          target_user_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "moderation_actions"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      moderation_queue: {
        Args: { kind?: string; limit?: number; offset?: number }
        Returns: {
          author_id: string
          content: Json
          first_reported_at: string
          last_reported_at: string
          report_count: number
          reporter_count: number
          reports: Json
          target_id: string
          target_type: string
        }[]
      }
      my_rank: {
        Args: { board?: string; scope?: string }
        Returns: {
          entries: number
          points: number
          rank: number
        }[]
      }
      reading_stats: {
        Args: { from_date: string; to_date: string; tz?: string }
        Returns: Json
      }
      register_push_device: {
        Args: { platform: string; token: string }
        Returns: string
      }
      search_books: {
        Args: {
          author?: string
          category?: string
          country?: string
          is_free?: boolean
          language?: string
          max_price?: number
          min_price?: number
          page?: number
          page_size?: number
          query?: string
          sort?: string
        }
        Returns: Json
      }
      sync_reading: { Args: { changes?: Json; since?: number }; Returns: Json }
      unread_notifications_count: {
        Args: Record<PropertyKey, never>
        Returns: number
      }
    }
    Enums: {
      annotation_kind: "highlight" | "note" | "bookmark"
      app_role: "admin" | "moderator" | "user"
      book_format: "epub" | "pdf"
      book_status: "draft" | "published"
      consent_kind: "tracking" | "marketing" | "analytics"
      device_type: "web" | "android" | "ios" | "other"
      group_invitation_status: "pending" | "accepted" | "declined" | "revoked"
      group_join_request_status:
        | "pending"
        | "approved"
        | "rejected"
        | "withdrawn"
      group_role: "owner" | "moderator" | "member"
      group_visibility: "public" | "private"
      moderation_action:
        | "hide"
        | "restore"
        | "delete"
        | "warn"
        | "suspend"
        | "lift_suspension"
        | "dismiss"
      order_status: "pending" | "paid" | "failed" | "expired" | "refunded"
      partner_key_kind: "publishable" | "secret"
      partner_status: "active" | "suspended"
      payment_provider:
        | "sandbox"
        | "wave"
        | "orange_money"
        | "stripe"
        | "paypal"
      plan_interval: "month" | "year"
      report_reason:
        | "spam"
        | "harassment"
        | "hate"
        | "sexual"
        | "violence"
        | "spoiler"
        | "off_topic"
        | "other"
      report_status: "open" | "resolved" | "dismissed"
      share_kind: "book" | "review" | "highlight"
      subscription_status:
        | "pending"
        | "active"
        | "past_due"
        | "canceled"
        | "expired"
      upload_status: "uploading" | "queued" | "processing" | "ready" | "failed"
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never

export const Constants = {
  public: {
    Enums: {
      annotation_kind: ["highlight", "note", "bookmark"],
      app_role: ["admin", "moderator", "user"],
      book_format: ["epub", "pdf"],
      book_status: ["draft", "published"],
      consent_kind: ["tracking", "marketing", "analytics"],
      device_type: ["web", "android", "ios", "other"],
      group_invitation_status: ["pending", "accepted", "declined", "revoked"],
      group_join_request_status: [
        "pending",
        "approved",
        "rejected",
        "withdrawn",
      ],
      group_role: ["owner", "moderator", "member"],
      group_visibility: ["public", "private"],
      moderation_action: [
        "hide",
        "restore",
        "delete",
        "warn",
        "suspend",
        "lift_suspension",
        "dismiss",
      ],
      order_status: ["pending", "paid", "failed", "expired", "refunded"],
      partner_key_kind: ["publishable", "secret"],
      partner_status: ["active", "suspended"],
      payment_provider: ["sandbox", "wave", "orange_money", "stripe", "paypal"],
      plan_interval: ["month", "year"],
      report_reason: [
        "spam",
        "harassment",
        "hate",
        "sexual",
        "violence",
        "spoiler",
        "off_topic",
        "other",
      ],
      report_status: ["open", "resolved", "dismissed"],
      share_kind: ["book", "review", "highlight"],
      subscription_status: [
        "pending",
        "active",
        "past_due",
        "canceled",
        "expired",
      ],
      upload_status: ["uploading", "queued", "processing", "ready", "failed"],
    },
  },
} as const
